"""Translations of the staff pages' shared shell and script (nb, sv, da, de); read by translations.py."""

T = {
 "Your login has ended. Log in again.": ("Innloggingen din er avsluttet. Logg inn igjen.", "Din inloggning har avslutats. Logga in igen.", "Dit login er udløbet. Log ind igen.", "Ihre Anmeldung ist abgelaufen. Melden Sie sich erneut an."),
 "Your account may not use this page.": ("Kontoen din har ikke tilgang til denne siden.", "Ditt konto får inte använda den här sidan.", "Din konto må ikke bruge denne side.", "Ihr Konto darf diese Seite nicht verwenden."),
 "Saved.": ("Lagret.", "Sparat.", "Gemt.", "Gespeichert."),
 "Confirm": ("Bekreft", "Bekräfta", "Bekræft", "Bestätigen"),
 "Loading…": ("Laster …", "Laddar …", "Indlæser …", "Wird geladen …"),
 "Previous": ("Forrige", "Föregående", "Forrige", "Zurück"),
 "Next": ("Neste", "Nästa", "Næste", "Weiter"),
 "Nothing to show.": ("Ingenting å vise.", "Inget att visa.", "Intet at vise.", "Nichts anzuzeigen."),
 "Skip to content": ("Hopp til innholdet", "Hoppa till innehållet", "Spring til indholdet", "Zum Inhalt springen"),
 "This feature is switched off for this shop.": ("Denne funksjonen er slått av i denne butikken.", "Den här funktionen är avstängd i den här butiken.", "Denne funktion er slået fra i denne butik.", "Diese Funktion ist in diesem Shop ausgeschaltet."),
 "Ask the shop owner to activate its plugin.": ("Be butikkeieren om å aktivere programtillegget.", "Be butiksägaren att aktivera dess plugin.", "Bed butiksejeren om at aktivere dens plugin.", "Bitten Sie den Shopbetreiber, das Plugin zu aktivieren."),
 "Ask the shop owner for the permission.": ("Be butikkeieren om tillatelsen.", "Be butiksägaren om behörigheten.", "Bed butiksejeren om tilladelsen.", "Bitten Sie den Shopbetreiber um die Berechtigung."),
}
