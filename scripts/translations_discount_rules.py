"""Translations of the discount rules' newer messages (nb, sv, da, de); read by translations.py."""

T = {
 # checkoutDiscountCodeAdd: why a code cannot apply
 "This code does not unlock any offer.": ("Denne koden gir ikke noe tilbud.", "Den här koden ger inget erbjudande.", "Denne kode giver ikke noget tilbud.", "Dieser Code schaltet kein Angebot frei."),
 "The offer %(name)s is not active.": ("Tilbudet %(name)s er ikke aktivt.", "Erbjudandet %(name)s är inte aktivt.", "Tilbuddet %(name)s er ikke aktivt.", "Das Angebot %(name)s ist nicht aktiv."),
 "The offer %(name)s starts %(when)s.": ("Tilbudet %(name)s starter %(when)s.", "Erbjudandet %(name)s börjar %(when)s.", "Tilbuddet %(name)s starter %(when)s.", "Das Angebot %(name)s beginnt am %(when)s."),
 "The offer %(name)s ended %(when)s.": ("Tilbudet %(name)s sluttet %(when)s.", "Erbjudandet %(name)s slutade %(when)s.", "Tilbuddet %(name)s sluttede %(when)s.", "Das Angebot %(name)s endete am %(when)s."),
 "The code is saved. %(name)s applies when: %(missing)s": ("Koden er lagret. %(name)s gjelder når: %(missing)s", "Koden är sparad. %(name)s gäller när: %(missing)s", "Koden er gemt. %(name)s gælder, når: %(missing)s", "Der Code ist gespeichert. %(name)s gilt, wenn: %(missing)s"),
 "The code is saved, but another offer applies to this cart instead of %(name)s.": ("Koden er lagret, men et annet tilbud gjelder for denne handlekurven i stedet for %(name)s.", "Koden är sparad, men ett annat erbjudande gäller för den här varukorgen i stället för %(name)s.", "Koden er gemt, men et andet tilbud gælder for denne kurv i stedet for %(name)s.", "Der Code ist gespeichert, aber für diesen Warenkorb gilt statt %(name)s ein anderes Angebot."),
 # what the cart still needs
 "Buy at least %(quantity)d items.": ("Kjøp minst %(quantity)d varer.", "Köp minst %(quantity)d varor.", "Køb mindst %(quantity)d varer.", "Kaufen Sie mindestens %(quantity)d Artikel."),
 "Add %(product)s to the cart.": ("Legg %(product)s i handlekurven.", "Lägg %(product)s i varukorgen.", "Læg %(product)s i kurven.", "Legen Sie %(product)s in den Warenkorb."),
 "Buy for at least %(amount)s.": ("Handle for minst %(amount)s.", "Handla för minst %(amount)s.", "Køb for mindst %(amount)s.", "Kaufen Sie für mindestens %(amount)s ein."),
 "Buy for less than %(amount)s.": ("Handle for mindre enn %(amount)s.", "Handla för mindre än %(amount)s.", "Køb for mindre end %(amount)s.", "Kaufen Sie für weniger als %(amount)s ein."),
 "Add a product from %(category)s.": ("Legg til et produkt fra %(category)s.", "Lägg till en produkt från %(category)s.", "Tilføj et produkt fra %(category)s.", "Fügen Sie ein Produkt aus %(category)s hinzu."),
 "Only for customers in %(group)s.": ("Bare for kunder i %(group)s.", "Endast för kunder i %(group)s.", "Kun for kunder i %(group)s.", "Nur für Kunden in %(group)s."),
 "Only for your second order.": ("Bare for din andre bestilling.", "Endast för din andra beställning.", "Kun for din anden bestilling.", "Nur für Ihre zweite Bestellung."),
 "Only from your second order on.": ("Bare fra og med din andre bestilling.", "Endast från och med din andra beställning.", "Kun fra og med din anden bestilling.", "Erst ab Ihrer zweiten Bestellung."),
 "Only once your orders add up to %(amount)s.": ("Først når bestillingene dine til sammen er på %(amount)s.", "Först när dina beställningar sammanlagt uppgår till %(amount)s.", "Først når dine bestillinger tilsammen er på %(amount)s.", "Erst wenn Ihre Bestellungen zusammen %(amount)s erreichen."),
 "Choose the shipping method %(method)s.": ("Velg fraktmåten %(method)s.", "Välj leveranssättet %(method)s.", "Vælg forsendelsesmetoden %(method)s.", "Wählen Sie die Versandart %(method)s."),
 "Ship to %(country)s.": ("Send til %(country)s.", "Skicka till %(country)s.", "Send til %(country)s.", "Versand nach %(country)s."),
 # staff
 "A rule has at most %(max)d conditions.": ("En regel har høyst %(max)d betingelser.", "En regel har högst %(max)d villkor.", "En regel har højst %(max)d betingelser.", "Eine Regel hat höchstens %(max)d Bedingungen."),
 "This rule has no code condition, so a code would change nothing. Add a CODE or SINGLE_USE_CODE condition first.": (
  "Denne regelen har ingen kodebetingelse, så en kode ville ikke endret noe. Legg først til en CODE- eller SINGLE_USE_CODE-betingelse.",
  "Den här regeln har inget kodvillkor, så en kod skulle inte ändra något. Lägg först till ett CODE- eller SINGLE_USE_CODE-villkor.",
  "Denne regel har ingen kodebetingelse, så en kode ville ikke ændre noget. Tilføj først en CODE- eller SINGLE_USE_CODE-betingelse.",
  "Diese Regel hat keine Code-Bedingung, ein Code würde also nichts ändern. Fügen Sie zuerst eine CODE- oder SINGLE_USE_CODE-Bedingung hinzu."),
 "Codes of a rule with a single-use code condition are once per customer.": (
  "Koder til en regel med en engangskode-betingelse kan brukes én gang per kunde.",
  "Koder till en regel med ett engångskodsvillkor kan användas en gång per kund.",
  "Koder til en regel med en engangskode-betingelse kan bruges én gang pr. kunde.",
  "Codes einer Regel mit Einmalcode-Bedingung gelten einmal pro Kunde."),
 "%(count)d rules are active. Up to %(supported)d rules working together are supported: with more, their combinations are hard to foresee and test.": (
  "%(count)d regler er aktive. Opptil %(supported)d regler som virker sammen, er støttet: med flere blir kombinasjonene vanskelige å forutse og teste.",
  "%(count)d regler är aktiva. Upp till %(supported)d regler som verkar tillsammans stöds: med fler blir kombinationerna svåra att förutse och testa.",
  "%(count)d regler er aktive. Op til %(supported)d regler, der virker sammen, er understøttet: med flere bliver kombinationerne svære at forudse og teste.",
  "%(count)d Regeln sind aktiv. Bis zu %(supported)d zusammenwirkende Regeln werden unterstützt: mit mehr sind ihre Kombinationen schwer vorherzusehen und zu testen."),
 "%(count)d rules are active in the channel %(channel)s. Up to %(supported)d rules working together are supported: with more, their combinations are hard to foresee and test.": (
  "%(count)d regler er aktive i kanalen %(channel)s. Opptil %(supported)d regler som virker sammen, er støttet: med flere blir kombinasjonene vanskelige å forutse og teste.",
  "%(count)d regler är aktiva i kanalen %(channel)s. Upp till %(supported)d regler som verkar tillsammans stöds: med fler blir kombinationerna svåra att förutse och testa.",
  "%(count)d regler er aktive i kanalen %(channel)s. Op til %(supported)d regler, der virker sammen, er understøttet: med flere bliver kombinationerne svære at forudse og teste.",
  "%(count)d Regeln sind im Kanal %(channel)s aktiv. Bis zu %(supported)d zusammenwirkende Regeln werden unterstützt: mit mehr sind ihre Kombinationen schwer vorherzusehen und zu testen."),
 # order e-mails: what a rule is
 "Surcharge": ("Tillegg", "Tillägg", "Tillæg", "Zuschlag"),
 "Free shipping": ("Fri frakt", "Fri frakt", "Fri fragt", "Versandkostenfrei"),
 "Gift": ("Gave", "Gåva", "Gave", "Geschenk"),
 # Saleor 3.23: channels of a rule, offers refreshed at completion
 "No channel with the slug %(slug)s.": ("Ingen kanal med kortnavnet %(slug)s.", "Ingen kanal med sluggen %(slug)s.", "Ingen kanal med kortnavnet %(slug)s.", "Kein Kanal mit dem Kürzel %(slug)s."),
 "The cart's offers changed. Check the new total and try again.": ("Tilbudene i handlekurven er endret. Sjekk det nye totalbeløpet og prøv igjen.", "Varukorgens erbjudanden har ändrats. Kontrollera det nya totalbeloppet och försök igen.", "Kurvens tilbud er ændret. Tjek det nye totalbeløb, og prøv igen.", "Die Angebote im Warenkorb haben sich geändert. Prüfen Sie den neuen Gesamtbetrag und versuchen Sie es erneut."),
}
