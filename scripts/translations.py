"""Translations of the package's messages, written into the .po catalogues.

Run after `python -m saleor_plugins manage makemessages ...` (see README) to fill the
catalogues, then `scripts/compile_messages.py` to build the .mo files.
"""
import re
import sys
from pathlib import Path

T = {
 # GraphQL arguments (core)
 "The text contains a NUL character, which cannot be stored.": ("Teksten inneholder et NUL-tegn, som ikke kan lagres.", "Texten innehåller ett NUL-tecken, som inte kan sparas.", "Teksten indeholder et NUL-tegn, som ikke kan gemmes.", "Der Text enthält ein NUL-Zeichen, das nicht gespeichert werden kann."),
 "The text contains an unpaired surrogate, which cannot be stored.": ("Teksten inneholder et uparet surrogattegn, som ikke kan lagres.", "Texten innehåller ett oparat surrogattecken, som inte kan sparas.", "Teksten indeholder et uparret surrogattegn, som ikke kan gemmes.", "Der Text enthält ein ungepaartes Surrogatzeichen, das nicht gespeichert werden kann."),
 "Enter a finite number.": ("Skriv inn et endelig tall.", "Ange ett ändligt tal.", "Indtast et endeligt tal.", "Geben Sie eine endliche Zahl ein."),
 "Enter a date between %(first)s and %(last)s.": ("Skriv inn en dato mellom %(first)s og %(last)s.", "Ange ett datum mellan %(first)s och %(last)s.", "Indtast en dato mellem %(first)s og %(last)s.", "Geben Sie ein Datum zwischen %(first)s und %(last)s ein."),
 # Discount rules
 "At most %(max)d characters.": ("Høyst %(max)d tegn.", "Högst %(max)d tecken.", "Højst %(max)d tegn.", "Höchstens %(max)d Zeichen."),
 "Enter an amount with at most two decimals, up to %(max)s.": ("Skriv inn et beløp med høyst to desimaler, opptil %(max)s.", "Ange ett belopp med högst två decimaler, upp till %(max)s.", "Indtast et beløb med højst to decimaler, op til %(max)s.", "Geben Sie einen Betrag mit höchstens zwei Nachkommastellen bis %(max)s ein."),
 "The code %(code)s has been used up.": ("Koden %(code)s er brukt opp.", "Koden %(code)s är förbrukad.", "Koden %(code)s er brugt op.", "Der Code %(code)s ist aufgebraucht."),
 "The total has changed since you paid. Pay the new total.": ("Totalbeløpet er endret siden du betalte. Betal det nye beløpet.", "Totalbeloppet har ändrats sedan du betalade. Betala det nya beloppet.", "Totalbeløbet er ændret, siden du betalte. Betal det nye beløb.", "Der Gesamtbetrag hat sich seit Ihrer Zahlung geändert. Bitte zahlen Sie den neuen Betrag."),
 # Checkout completion (core)
 "This order is being placed in another window. Check your orders before you try again.": ("Denne bestillingen blir sendt i et annet vindu. Sjekk bestillingene dine før du prøver igjen.", "Den här beställningen görs i ett annat fönster. Kontrollera dina beställningar innan du försöker igen.", "Denne bestilling bliver afgivet i et andet vindue. Tjek dine bestillinger, før du prøver igen.", "Diese Bestellung wird gerade in einem anderen Fenster aufgegeben. Prüfen Sie Ihre Bestellungen, bevor Sie es erneut versuchen."),
 "This checkout has already been completed. Your order is in your order history.": ("Denne handlekurven er allerede bestilt. Bestillingen finner du i ordrehistorikken din.", "Den här kassan är redan slutförd. Beställningen finns i din orderhistorik.", "Denne kurv er allerede bestilt. Du finder bestillingen i din ordrehistorik.", "Dieser Bestellvorgang ist bereits abgeschlossen. Ihre Bestellung finden Sie in Ihrem Bestellverlauf."),
 "Your payment has already been taken, but the order was not placed. Contact us and do not pay again.": ("Betalingen din er allerede trukket, men bestillingen ble ikke registrert. Kontakt oss, og ikke betal på nytt.", "Din betalning är redan dragen, men beställningen lades inte. Kontakta oss och betala inte igen.", "Din betaling er allerede trukket, men bestillingen blev ikke afgivet. Kontakt os, og betal ikke igen.", "Ihre Zahlung wurde bereits eingezogen, die Bestellung aber nicht aufgegeben. Bitte kontaktieren Sie uns und zahlen Sie nicht erneut."),
 "The offer %(name)s has run out.": ("Tilbudet %(name)s er brukt opp.", "Erbjudandet %(name)s är slut.", "Tilbuddet %(name)s er opbrugt.", "Das Angebot %(name)s ist aufgebraucht."),
 "You have already used the code %(code)s.": ("Du har allerede brukt koden %(code)s.", "Du har redan använt koden %(code)s.", "Du har allerede brugt koden %(code)s.", "Sie haben den Code %(code)s bereits verwendet."),
 "Enter a number.": ("Skriv inn et tall.", "Ange ett tal.", "Indtast et tal.", "Geben Sie eine Zahl ein."),
 "Not a valid ID.": ("Ikke en gyldig ID.", "Inte ett giltigt ID.", "Ikke et gyldigt ID.", "Keine gültige ID."),
 "Couldn't find it: %(id)s": ("Fant den ikke: %(id)s", "Hittades inte: %(id)s", "Kunne ikke findes: %(id)s", "Nicht gefunden: %(id)s"),
 "This condition needs %(name)s.": ("Denne betingelsen trenger %(name)s.", "Det här villkoret behöver %(name)s.", "Denne betingelse kræver %(name)s.", "Diese Bedingung braucht %(name)s."),
 "The amount cannot be negative.": ("Beløpet kan ikke være negativt.", "Beloppet kan inte vara negativt.", "Beløbet kan ikke være negativt.", "Der Betrag darf nicht negativ sein."),
 "The quantity must be at least 1.": ("Antallet må være minst 1.", "Antalet måste vara minst 1.", "Antallet skal være mindst 1.", "Die Menge muss mindestens 1 sein."),
 "Give the rule a name.": ("Gi regelen et navn.", "Ge regeln ett namn.", "Giv reglen et navn.", "Geben Sie der Regel einen Namen."),
 "Choose the kind of rule.": ("Velg type regel.", "Välj typ av regel.", "Vælg typen af regel.", "Wählen Sie die Art der Regel."),
 "Enter an amount above zero.": ("Skriv inn et beløp over null.", "Ange ett belopp över noll.", "Indtast et beløb over nul.", "Geben Sie einen Betrag über null ein."),
 "Enter a percentage above 0 and at most 100.": ("Skriv inn en prosent over 0 og høyst 100.", "Ange en procentsats över 0 och högst 100.", "Indtast en procentsats over 0 og højst 100.", "Geben Sie einen Prozentsatz über 0 und höchstens 100 ein."),
 "Free shipping and gifts are always discounts.": ("Fri frakt og gaver er alltid rabatter.", "Fri frakt och gåvor är alltid rabatter.", "Fri fragt og gaver er altid rabatter.", "Versandkostenfreiheit und Geschenke sind immer Rabatte."),
 "Choose the gift product.": ("Velg gaveproduktet.", "Välj gåvoprodukten.", "Vælg gaveproduktet.", "Wählen Sie das Geschenkprodukt."),
 "The limit must be at least 1.": ("Grensen må være minst 1.", "Gränsen måste vara minst 1.", "Grænsen skal være mindst 1.", "Das Limit muss mindestens 1 sein."),
 "The end must be after the start.": ("Slutten må være etter starten.", "Slutet måste vara efter starten.", "Slutningen skal være efter starten.", "Das Ende muss nach dem Beginn liegen."),
 "A shop can have at most %(max)d rules. Delete or reuse one first.": ("En butikk kan ha høyst %(max)d regler. Slett eller gjenbruk en først.", "En butik kan ha högst %(max)d regler. Ta bort eller återanvänd en först.", "En butik kan højst have %(max)d regler. Slet eller genbrug en først.", "Ein Shop kann höchstens %(max)d Regeln haben. Löschen oder verwenden Sie zuerst eine vorhandene."),
 "A code has 1 to 40 letters, digits or dashes.": ("En kode har 1 til 40 bokstaver, sifre eller bindestreker.", "En kod har 1 till 40 bokstäver, siffror eller bindestreck.", "En kode har 1 til 40 bogstaver, cifre eller bindestreger.", "Ein Code hat 1 bis 40 Buchstaben, Ziffern oder Bindestriche."),
 "Generate between 1 and 10000 codes.": ("Lag mellom 1 og 10000 koder.", "Skapa mellan 1 och 10000 koder.", "Opret mellem 1 og 10000 koder.", "Erzeugen Sie zwischen 1 und 10000 Codes."),
 "A prefix has at most 20 characters.": ("Et prefiks har høyst 20 tegn.", "Ett prefix har högst 20 tecken.", "Et præfiks har højst 20 tegn.", "Ein Präfix hat höchstens 20 Zeichen."),
 "Give codes or a number to generate.": ("Oppgi koder eller et antall som skal lages.", "Ange koder eller ett antal att skapa.", "Angiv koder eller et antal, der skal oprettes.", "Geben Sie Codes oder eine Anzahl zum Erzeugen an."),
 "A code exists already.": ("En kode finnes allerede.", "En kod finns redan.", "En kode findes allerede.", "Ein Code existiert bereits."),
 "Give the group a name.": ("Gi gruppen et navn.", "Ge gruppen ett namn.", "Giv gruppen et navn.", "Geben Sie der Gruppe einen Namen."),
 "A group with this name exists already.": ("En gruppe med dette navnet finnes allerede.", "En grupp med det här namnet finns redan.", "En gruppe med dette navn findes allerede.", "Eine Gruppe mit diesem Namen existiert bereits."),
 "Couldn't find the checkout.": ("Fant ikke handlekurven.", "Hittade inte kassan.", "Kunne ikke finde indkøbskurven.", "Der Checkout wurde nicht gefunden."),
 "This code is not valid.": ("Denne koden er ikke gyldig.", "Den här koden är inte giltig.", "Denne kode er ikke gyldig.", "Dieser Code ist nicht gültig."),
 "Log in to use this code.": ("Logg inn for å bruke denne koden.", "Logga in för att använda den här koden.", "Log ind for at bruge denne kode.", "Melden Sie sich an, um diesen Code zu verwenden."),
 "This code has already been used.": ("Denne koden er allerede brukt.", "Den här koden har redan använts.", "Denne kode er allerede brugt.", "Dieser Code wurde bereits verwendet."),
 # Klarna
 "Klarna payments are not available in this shop.": (
  "Klarna-betaling er ikke tilgjengelig i denne butikken.", "Betalning med Klarna är inte tillgänglig i den här butiken.",
  "Betaling med Klarna er ikke tilgængelig i denne butik.", "Zahlungen mit Klarna sind in diesem Shop nicht verfügbar."),
 "Couldn't resolve to a checkout: %(id)s": (
  "Fant ingen handlekurv: %(id)s", "Hittade ingen kassa: %(id)s", "Fandt ingen indkøbskurv: %(id)s", "Kein Checkout gefunden: %(id)s"),
 "The checkout has no lines.": (
  "Handlekurven er tom.", "Varukorgen är tom.", "Indkøbskurven er tom.", "Der Warenkorb ist leer."),
 "Your cart changed after you approved the payment with Klarna. Please approve the payment again.": (
  "Handlekurven ble endret etter at du godkjente betalingen hos Klarna. Godkjenn betalingen på nytt.",
  "Varukorgen ändrades efter att du godkände betalningen hos Klarna. Godkänn betalningen igen.",
  "Indkøbskurven blev ændret, efter at du godkendte betalingen hos Klarna. Godkend venligst betalingen igen.",
  "Ihr Warenkorb hat sich geändert, nachdem Sie die Zahlung bei Klarna freigegeben haben. Bitte geben Sie die Zahlung erneut frei."),
 "The Klarna approval has expired or was already used. Please approve the payment again.": (
  "Godkjenningen fra Klarna er utløpt eller allerede brukt. Godkjenn betalingen på nytt.",
  "Godkännandet från Klarna har gått ut eller redan använts. Godkänn betalningen igen.",
  "Godkendelsen fra Klarna er udløbet eller allerede brugt. Godkend venligst betalingen igen.",
  "Die Freigabe durch Klarna ist abgelaufen oder wurde bereits verwendet. Bitte geben Sie die Zahlung erneut frei."),
 "Klarna is still reviewing this payment. Capture and ship only after Klarna has accepted it.": (
  "Klarna kontrollerer fortsatt denne betalingen. Belast og send først når Klarna har godtatt den.",
  "Klarna granskar fortfarande den här betalningen. Debitera och skicka först när Klarna har godkänt den.",
  "Klarna kontrollerer stadig denne betaling. Træk og send først, når Klarna har godkendt den.",
  "Klarna prüft diese Zahlung noch. Belasten und versenden Sie erst, wenn Klarna sie angenommen hat."),
 "Klarna rejected this payment after its review. Do not ship; cancel the order.": (
  "Klarna avviste denne betalingen etter kontrollen. Ikke send varene; kanseller ordren.",
  "Klarna avvisade den här betalningen efter granskningen. Skicka inte varorna; annullera ordern.",
  "Klarna afviste denne betaling efter kontrollen. Send ikke varerne; annuller ordren.",
  "Klarna hat diese Zahlung nach der Prüfung abgelehnt. Nicht versenden; stornieren Sie die Bestellung."),
 "Klarna is reviewing this payment for fraud. Do not ship or capture until Klarna has accepted it.": (
  "Klarna kontrollerer denne betalingen for svindel. Ikke send eller belast før Klarna har godtatt den.",
  "Klarna granskar den här betalningen för bedrägeri. Skicka eller debitera inte förrän Klarna har godkänt den.",
  "Klarna kontrollerer denne betaling for svindel. Send eller træk ikke, før Klarna har godkendt den.",
  "Klarna prüft diese Zahlung auf Betrug. Nicht versenden oder belasten, bevor Klarna sie angenommen hat."),
 "Klarna declined the payment. Please choose another payment method.": (
  "Klarna avviste betalingen. Velg en annen betalingsmåte.", "Klarna avböjde betalningen. Välj ett annat betalsätt.",
  "Klarna afviste betalingen. Vælg venligst en anden betalingsmetode.", "Klarna hat die Zahlung abgelehnt. Bitte wählen Sie eine andere Zahlungsart."),
 "Klarna could not be reached. Please try again in a moment.": (
  "Vi fikk ikke kontakt med Klarna. Prøv igjen om et øyeblikk.", "Vi kunde inte nå Klarna. Försök igen om en stund.",
  "Vi kunne ikke få forbindelse til Klarna. Prøv igen om et øjeblik.", "Klarna ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal."),
 "Klarna payments are not set up correctly in this shop.": (
  "Klarna-betaling er ikke riktig satt opp i denne butikken.", "Betalning med Klarna är inte korrekt inställd i den här butiken.",
  "Betaling med Klarna er ikke sat korrekt op i denne butik.", "Zahlungen mit Klarna sind in diesem Shop nicht richtig eingerichtet."),
 "Klarna does not allow this for the order: %(reason)s": (
  "Klarna tillater ikke dette for ordren: %(reason)s", "Klarna tillåter inte detta för ordern: %(reason)s",
  "Klarna tillader ikke dette for ordren: %(reason)s", "Klarna erlaubt dies für die Bestellung nicht: %(reason)s"),
 "Klarna could not process the payment.": (
  "Klarna kunne ikke behandle betalingen.", "Klarna kunde inte behandla betalningen.",
  "Klarna kunne ikke behandle betalingen.", "Klarna konnte die Zahlung nicht verarbeiten."),
 "No Klarna payment for this checkout.": (
  "Ingen Klarna-betaling for denne handlekurven.", "Ingen Klarna-betalning för den här kassan.",
  "Ingen Klarna-betaling for denne indkøbskurv.", "Keine Klarna-Zahlung für diesen Checkout."),
 "The payment amount does not match the checkout total. Please start the payment again.": (
  "Betalingsbeløpet stemmer ikke med totalen i handlekurven. Start betalingen på nytt.",
  "Betalningsbeloppet stämmer inte med kassans totalbelopp. Starta betalningen igen.",
  "Betalingsbeløbet svarer ikke til indkøbskurvens total. Start venligst betalingen igen.",
  "Der Zahlungsbetrag stimmt nicht mit der Gesamtsumme überein. Bitte starten Sie die Zahlung erneut."),
 "Enter a two-letter country code.": (
  "Skriv inn en landkode på to bokstaver.", "Ange en landskod med två bokstäver.",
  "Indtast en landekode på to bogstaver.", "Geben Sie einen zweistelligen Ländercode ein."),
 "Klarna payments need no confirmation.": (
  "Klarna-betalinger trenger ingen bekreftelse.", "Klarna-betalningar behöver ingen bekräftelse.",
  "Klarna-betalinger kræver ingen bekræftelse.", "Klarna-Zahlungen benötigen keine Bestätigung."),
 "This Klarna approval is not for this checkout. Please approve the payment again.": (
  "Denne godkjenningen fra Klarna gjelder ikke denne handlekurven. Godkjenn betalingen på nytt.",
  "Det här godkännandet från Klarna gäller inte den här kassan. Godkänn betalningen igen.",
  "Denne godkendelse fra Klarna gælder ikke denne indkøbskurv. Godkend venligst betalingen igen.",
  "Diese Freigabe durch Klarna gilt nicht für diesen Checkout. Bitte geben Sie die Zahlung erneut frei."),
 "This Klarna approval is already used for another payment. Please approve the payment again.": (
  "Denne godkjenningen fra Klarna er allerede brukt til en annen betaling. Godkjenn betalingen på nytt.",
  "Det här godkännandet från Klarna används redan för en annan betalning. Godkänn betalningen igen.",
  "Denne godkendelse fra Klarna er allerede brugt til en anden betaling. Godkend venligst betalingen igen.",
  "Diese Freigabe durch Klarna wird bereits für eine andere Zahlung verwendet. Bitte geben Sie die Zahlung erneut frei."),
 "Approve the payment with Klarna first.": (
  "Godkjenn betalingen hos Klarna først.", "Godkänn betalningen hos Klarna först.",
  "Godkend betalingen hos Klarna først.", "Geben Sie die Zahlung zuerst bei Klarna frei."),
 "Enter one of Klarna's API addresses (https://api.klarna.com, https://api.playground.klarna.com, ...), or leave it empty.": (
  "Skriv inn en av Klarnas API-adresser (https://api.klarna.com, https://api.playground.klarna.com, ...), eller la feltet stå tomt.",
  "Ange en av Klarnas API-adresser (https://api.klarna.com, https://api.playground.klarna.com, ...), eller lämna fältet tomt.",
  "Indtast en af Klarnas API-adresser (https://api.klarna.com, https://api.playground.klarna.com, ...), eller lad feltet stå tomt.",
  "Geben Sie eine der API-Adressen von Klarna ein (https://api.klarna.com, https://api.playground.klarna.com, ...) oder lassen Sie das Feld leer."),
 "Enter one of Klarna's API addresses (https://api.klarna.com, https://api.playground.klarna.com, ...) or a simulator on this machine (http://127.0.0.1:port), or leave it empty.": (
  "Skriv inn en av Klarnas API-adresser (https://api.klarna.com, https://api.playground.klarna.com, ...) eller en simulator på denne maskinen (http://127.0.0.1:port), eller la feltet stå tomt.",
  "Ange en av Klarnas API-adresser (https://api.klarna.com, https://api.playground.klarna.com, ...) eller en simulator på den här datorn (http://127.0.0.1:port), eller lämna fältet tomt.",
  "Indtast en af Klarnas API-adresser (https://api.klarna.com, https://api.playground.klarna.com, ...) eller en simulator på denne maskine (http://127.0.0.1:port), eller lad feltet stå tomt.",
  "Geben Sie eine der API-Adressen von Klarna ein (https://api.klarna.com, https://api.playground.klarna.com, ...) oder einen Simulator auf diesem Rechner (http://127.0.0.1:port), oder lassen Sie das Feld leer."),
 "Confirm deleting your account": ("Bekreft sletting av kontoen din", "Bekräfta att ditt konto ska raderas", "Bekræft sletning af din konto", "Löschen Ihres Kontos bestätigen"),
 "Someone asked to delete your account. If it was you, confirm with the link below; otherwise ignore this e-mail.": (
  "Noen har bedt om å slette kontoen din. Hvis det var deg, bekreft med lenken nedenfor; ellers kan du se bort fra denne e-posten.",
  "Någon har bett om att ditt konto ska raderas. Om det var du, bekräfta med länken nedan; annars kan du bortse från detta mejl.",
  "Nogen har bedt om at få din konto slettet. Hvis det var dig, så bekræft med linket nedenfor; ellers kan du se bort fra denne e-mail.",
  "Jemand hat die Löschung Ihres Kontos angefordert. Wenn Sie das waren, bestätigen Sie über den Link unten; andernfalls ignorieren Sie diese E-Mail."),
 "Delete my account": ("Slett kontoen min", "Radera mitt konto", "Slet min konto", "Mein Konto löschen"),
 "Confirm your account at %(site_name)s": ("Bekreft kontoen din hos %(site_name)s", "Bekräfta ditt konto hos %(site_name)s", "Bekræft din konto hos %(site_name)s", "Bestätigen Sie Ihr Konto bei %(site_name)s"),
 "Welcome! Please confirm your e-mail address to activate your account.": (
  "Velkommen! Bekreft e-postadressen din for å aktivere kontoen.", "Välkommen! Bekräfta din e-postadress för att aktivera kontot.",
  "Velkommen! Bekræft din e-mailadresse for at aktivere kontoen.", "Willkommen! Bitte bestätigen Sie Ihre E-Mail-Adresse, um Ihr Konto zu aktivieren."),
 "Confirm account": ("Bekreft kontoen", "Bekräfta kontot", "Bekræft kontoen", "Konto bestätigen"),
 "Your e-mail address was changed": ("E-postadressen din er endret", "Din e-postadress har ändrats", "Din e-mailadresse er blevet ændret", "Ihre E-Mail-Adresse wurde geändert"),
 "The e-mail address of your account was changed. If you did not do this, contact us right away.": (
  "E-postadressen til kontoen din er endret. Hvis det ikke var deg, ta kontakt med oss med en gang.",
  "E-postadressen för ditt konto har ändrats. Om det inte var du, kontakta oss genast.",
  "E-mailadressen på din konto er blevet ændret. Hvis det ikke var dig, så kontakt os med det samme.",
  "Die E-Mail-Adresse Ihres Kontos wurde geändert. Wenn Sie das nicht waren, kontaktieren Sie uns bitte sofort."),
 "Reset your password": ("Tilbakestill passordet ditt", "Återställ ditt lösenord", "Nulstil din adgangskode", "Passwort zurücksetzen"),
 "Someone asked to reset the password of your account. If it was you, choose a new password with the link below; otherwise ignore this e-mail.": (
  "Noen har bedt om å tilbakestille passordet til kontoen din. Hvis det var deg, velg et nytt passord med lenken nedenfor; ellers kan du se bort fra denne e-posten.",
  "Någon har bett om att återställa lösenordet för ditt konto. Om det var du, välj ett nytt lösenord med länken nedan; annars kan du bortse från detta mejl.",
  "Nogen har bedt om at nulstille adgangskoden til din konto. Hvis det var dig, så vælg en ny adgangskode med linket nedenfor; ellers kan du se bort fra denne e-mail.",
  "Jemand hat angefordert, das Passwort Ihres Kontos zurückzusetzen. Wenn Sie das waren, wählen Sie über den Link unten ein neues Passwort; andernfalls ignorieren Sie diese E-Mail."),
 "Choose a new password": ("Velg et nytt passord", "Välj ett nytt lösenord", "Vælg en ny adgangskode", "Neues Passwort wählen"),
 "Confirm your new e-mail address": ("Bekreft den nye e-postadressen din", "Bekräfta din nya e-postadress", "Bekræft din nye e-mailadresse", "Bestätigen Sie Ihre neue E-Mail-Adresse"),
 "Confirm that this is the new e-mail address of your account.": (
  "Bekreft at dette er den nye e-postadressen til kontoen din.", "Bekräfta att detta är den nya e-postadressen för ditt konto.",
  "Bekræft at dette er den nye e-mailadresse til din konto.", "Bestätigen Sie, dass dies die neue E-Mail-Adresse Ihres Kontos ist."),
 "Confirm e-mail address": ("Bekreft e-postadressen", "Bekräfta e-postadressen", "Bekræft e-mailadressen", "E-Mail-Adresse bestätigen"),
 "Your account at %(site_name)s": ("Kontoen din hos %(site_name)s", "Ditt konto hos %(site_name)s", "Din konto hos %(site_name)s", "Ihr Konto bei %(site_name)s"),
 "An account has been created for you. Choose a password to start using it.": (
  "Det er opprettet en konto for deg. Velg et passord for å ta den i bruk.", "Ett konto har skapats åt dig. Välj ett lösenord för att börja använda det.",
  "Der er oprettet en konto til dig. Vælg en adgangskode for at tage den i brug.", "Für Sie wurde ein Konto angelegt. Wählen Sie ein Passwort, um es zu nutzen."),
 "Choose a password": ("Velg et passord", "Välj ett lösenord", "Vælg en adgangskode", "Passwort wählen"),
 "Your staff account at %(site_name)s": ("Ansattkontoen din hos %(site_name)s", "Ditt personalkonto hos %(site_name)s", "Din medarbejderkonto hos %(site_name)s", "Ihr Mitarbeiterkonto bei %(site_name)s"),
 "A staff account has been created for you. Choose a password to sign in to the dashboard.": (
  "Det er opprettet en ansattkonto for deg. Velg et passord for å logge inn i administrasjonen.",
  "Ett personalkonto har skapats åt dig. Välj ett lösenord för att logga in i administrationen.",
  "Der er oprettet en medarbejderkonto til dig. Vælg en adgangskode for at logge ind i administrationen.",
  "Für Sie wurde ein Mitarbeiterkonto angelegt. Wählen Sie ein Passwort, um sich im Dashboard anzumelden."),
 "Your order %(number)s is on its way": ("Bestillingen din %(number)s er på vei", "Din beställning %(number)s är på väg", "Din ordre %(number)s er på vej", "Ihre Bestellung %(number)s ist unterwegs"),
 "Good news: these items from order %(number)s are on their way.": (
  "Gode nyheter: disse varene fra bestilling %(number)s er på vei.", "Goda nyheter: de här varorna från beställning %(number)s är på väg.",
  "Gode nyheder: disse varer fra ordre %(number)s er på vej.", "Gute Nachrichten: Diese Artikel aus Bestellung %(number)s sind unterwegs."),
 "download": ("nedlasting", "nedladdning", "download", "Download"),
 "Tracking number": ("Sporingsnummer", "Spårningsnummer", "Sporingsnummer", "Sendungsnummer"),
 "See your order": ("Se bestillingen din", "Se din beställning", "Se din ordre", "Bestellung ansehen"),
 "Thank you for your order %(number)s": ("Takk for bestillingen din %(number)s", "Tack för din beställning %(number)s", "Tak for din ordre %(number)s", "Vielen Dank für Ihre Bestellung %(number)s"),
 "Thank you for your order %(number)s. We have received it and will let you know when it is on its way.": (
  "Takk for bestillingen din %(number)s. Vi har mottatt den og gir beskjed når den er på vei.",
  "Tack för din beställning %(number)s. Vi har tagit emot den och meddelar dig när den är på väg.",
  "Tak for din ordre %(number)s. Vi har modtaget den og giver dig besked, når den er på vej.",
  "Vielen Dank für Ihre Bestellung %(number)s. Wir haben sie erhalten und melden uns, sobald sie unterwegs ist."),
 "We have received your order and will let you know when it is on its way.": (
  "Vi har mottatt bestillingen din og gir beskjed når den er på vei.", "Vi har tagit emot din beställning och meddelar dig när den är på väg.",
  "Vi har modtaget din ordre og giver dig besked, når den er på vej.", "Wir haben Ihre Bestellung erhalten und melden uns, sobald sie unterwegs ist."),
 "Payment received for order %(number)s": ("Betaling mottatt for bestilling %(number)s", "Betalning mottagen för beställning %(number)s", "Betaling modtaget for ordre %(number)s", "Zahlung für Bestellung %(number)s erhalten"),
 "We have received your payment for order %(number)s. Thank you!": (
  "Vi har mottatt betalingen for bestilling %(number)s. Takk!", "Vi har tagit emot din betalning för beställning %(number)s. Tack!",
  "Vi har modtaget din betaling for ordre %(number)s. Tak!", "Wir haben Ihre Zahlung für Bestellung %(number)s erhalten. Vielen Dank!"),
 "Thank you!": ("Takk!", "Tack!", "Tak!", "Vielen Dank!"),
 "New order %(number)s": ("Ny bestilling %(number)s", "Ny beställning %(number)s", "Ny ordre %(number)s", "Neue Bestellung %(number)s"),
 "Order %(number)s was placed by %(email)s.": ("Bestilling %(number)s ble lagt inn av %(email)s.", "Beställning %(number)s lades av %(email)s.", "Ordre %(number)s blev afgivet af %(email)s.", "Bestellung %(number)s wurde von %(email)s aufgegeben."),
 "Placed by %(email)s.": ("Lagt inn av %(email)s.", "Lagd av %(email)s.", "Afgivet af %(email)s.", "Aufgegeben von %(email)s."),
 "Shipping update for order %(number)s": ("Oppdatering om frakt for bestilling %(number)s", "Leveransuppdatering för beställning %(number)s", "Forsendelsesopdatering for ordre %(number)s", "Versandupdate zu Bestellung %(number)s"),
 "The shipment of order %(number)s has been updated.": ("Forsendelsen av bestilling %(number)s er oppdatert.", "Leveransen av beställning %(number)s har uppdaterats.", "Forsendelsen af ordre %(number)s er blevet opdateret.", "Die Sendung zu Bestellung %(number)s wurde aktualisiert."),
 "Product": ("Produkt", "Produkt", "Produkt", "Produkt"),
 "Quantity": ("Antall", "Antal", "Antal", "Menge"),
 "Price": ("Pris", "Pris", "Pris", "Preis"),
 "Total": ("Totalt", "Totalt", "I alt", "Gesamt"),
 "Subtotal": ("Delsum", "Delsumma", "Subtotal", "Zwischensumme"),
 "Shipping": ("Frakt", "Frakt", "Fragt", "Versand"),
 "Discount": ("Rabatt", "Rabatt", "Rabat", "Rabatt"),
 "Including VAT": ("Herav mva.", "Varav moms", "Heraf moms", "Enthaltene MwSt."),
 "Delivery address": ("Leveringsadresse", "Leveransadress", "Leveringsadresse", "Lieferadresse"),
 "Billing address": ("Fakturaadresse", "Fakturaadress", "Faktureringsadresse", "Rechnungsadresse"),
 "Order date": ("Bestillingsdato", "Orderdatum", "Ordredato", "Bestelldatum"),
 "Your note": ("Din kommentar", "Din kommentar", "Din bemærkning", "Ihre Anmerkung"),
}
LANGS = ("nb", "sv", "da", "de")


def load_feature_translations():
    """Each feature may keep its own ``scripts/translations_<feature>.py`` with a dict ``T``."""
    import importlib.util

    for path in sorted(Path(__file__).resolve().parent.glob("translations_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        T.update(module.T)


load_feature_translations()


def escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def fill(locale_dir: Path) -> int:
    missing = 0
    for index, lang in enumerate(LANGS):
        po = locale_dir / lang / "LC_MESSAGES" / "django.po"
        text = po.read_text()

        def replace(match):
            nonlocal missing
            msgid = match.group(1).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
            if msgid in T:
                return f'msgid "{match.group(1)}"\nmsgstr "{escape(T[msgid][index])}"'
            if msgid:
                missing += 1
                print(f"{lang}: no translation for {msgid!r}", file=sys.stderr)
            return match.group(0)

        text = re.sub(r'^msgid "(.*)"\nmsgstr ".*"$', replace, text, flags=re.M)
        # every entry is translated here: drop makemessages' fuzzy guesses and their old ids
        text = re.sub(r"^#\| .*\n", "", text, flags=re.M)
        text = text.replace("#, fuzzy, ", "#, ").replace("#, fuzzy\n", "")
        text = re.sub(r'"Language: .*\\n"', f'"Language: {lang}\\\\n"', text)
        text = re.sub(r'"Content-Type: text/plain; charset=CHARSET\\n"', r'"Content-Type: text/plain; charset=UTF-8\\n"', text)
        po.write_text(text)
    return missing


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    sys.exit(1 if fill(root / "saleor_plugins" / "locale") else 0)
