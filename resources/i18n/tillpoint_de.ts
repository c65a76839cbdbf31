<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
  <context>
    <name>Register</name>
    <message>
      <source>Devices</source>
      <translation>Geräte</translation>
    </message>
    <message>
      <source>Menu</source>
      <translation>Menü</translation>
    </message>
    <message>
      <source>Could not open that screen: </source>
      <translation>Diese Ansicht ließ sich nicht öffnen: </translation>
    </message>
    <message>
      <source>Carry on selling; tell the manager.</source>
      <translation>Weiter verkaufen und die Vorgesetzte informieren.</translation>
    </message>
    <message>
      <source>Tender declaration</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source> (blind-closed shift)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Declare</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Close shift (Z report)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <source>0</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Device</source>
      <translation>Gerät</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Driver</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>State</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Health</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Detail</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Check all devices</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Test print</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <source>Enter a value first.</source>
      <translation>Bitte zuerst einen Wert eingeben.</translation>
    </message>
    <message>
      <source>Choose</source>
      <translation>Auswählen</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Schließen</translation>
    </message>
    <message>
      <source>Line discount</source>
      <translation>Positionsrabatt</translation>
    </message>
    <message>
      <source>Discount for Espresso Beans 1kg</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Amount</source>
      <translation>Betrag</translation>
    </message>
    <message>
      <source>Recall a suspended sale</source>
      <translation>Geparkten Verkauf aufrufen</translation>
    </message>
    <message>
      <source>No suspended sales.</source>
      <translation>Keine geparkten Verkäufe.</translation>
    </message>
    <message>
      <source>Why this price</source>
      <translation>Warum dieser Preis</translation>
    </message>
    <message>
      <source>Drawer operation</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Amount, e.g. 50.00</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Bank bag number</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Comment (optional)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Tender</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Reason</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Bag number</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Comment</source>
      <translation>Kommentar</translation>
    </message>
    <message>
      <source>Record</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No reason</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Choose a reason…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Receipt</source>
      <translation>Beleg</translation>
    </message>
    <message>
      <source>Ended</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Operator</source>
      <translation>Bediener</translation>
    </message>
    <message>
      <source>Total</source>
      <translation>Summe</translation>
    </message>
    <message>
      <source>Lines</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Electronic journal</source>
      <translation>Elektronisches Journal</translation>
    </message>
    <message>
      <source>Receipt number</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>From day (2026-03-31)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>To day</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Operator id</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Lowest total</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Highest total</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Search</source>
      <translation>Suche</translation>
    </message>
    <message>
      <source>Clear</source>
      <translation>Löschen</translation>
    </message>
    <message>
      <source>Pick a transaction to see its receipt.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Reprint (copy)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Gift receipt</source>
      <translation>Geschenkbeleg</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>Artikel</translation>
    </message>
    <message>
      <source>Qty</source>
      <translation>Menge</translation>
    </message>
    <message>
      <source>Unit price</source>
      <translation>Einzelpreis</translation>
    </message>
    <message>
      <source>Discounts</source>
      <translation>Rabatte</translation>
    </message>
    <message>
      <source>Voided</source>
      <translation>Storniert</translation>
    </message>
    <message>
      <source>open the register</source>
      <translation>die Kasse öffnen</translation>
    </message>
    <message>
      <source>register</source>
      <translation>Kasse</translation>
    </message>
    <message>
      <source>list the suspended shifts</source>
      <translation>die geparkten Schichten lesen</translation>
    </message>
    <message>
      <source>sign in</source>
      <translation>anmelden</translation>
    </message>
    <message>
      <source>lock the register</source>
      <translation>die Kasse sperren</translation>
    </message>
    <message>
      <source>sign out</source>
      <translation>abmelden</translation>
    </message>
    <message>
      <source>Enter the counted cash.</source>
      <translation>Den gezählten Bargeldbestand eingeben.</translation>
    </message>
    <message>
      <source>open the shift</source>
      <translation>die Schicht öffnen</translation>
    </message>
    <message>
      <source>Shift opened.</source>
      <translation>Schicht geöffnet.</translation>
    </message>
    <message>
      <source>resume the shift</source>
      <translation>die Schicht fortsetzen</translation>
    </message>
    <message>
      <source>Shift resumed.</source>
      <translation>Schicht fortgesetzt.</translation>
    </message>
    <message>
      <source>Working without a drawer: card payments only.</source>
      <translation>Ohne Kassenlade: nur Kartenzahlung.</translation>
    </message>
    <message>
      <source>There is nothing to pay yet.</source>
      <translation>Es gibt noch nichts zu bezahlen.</translation>
    </message>
    <message>
      <source>Scan an item first.</source>
      <translation>Zuerst einen Artikel scannen.</translation>
    </message>
    <message>
      <source>Finish the payment first.</source>
      <translation>Zuerst die Zahlung abschließen.</translation>
    </message>
    <message>
      <source>Or go back to the sale (Esc) to add the item.</source>
      <translation>Oder zurück zum Verkauf (Esc), um den Artikel zu erfassen.</translation>
    </message>
    <message>
      <source>add the item</source>
      <translation>den Artikel erfassen</translation>
    </message>
    <message>
      <source>Backspace</source>
      <translation>Rücktaste</translation>
    </message>
    <message>
      <source>C</source>
      <translation>C</translation>
    </message>
    <message>
      <source>Enter</source>
      <translation>Eingabe</translation>
    </message>
    <message>
      <source>Manager approval</source>
      <translation>Freigabe durch Vorgesetzte</translation>
    </message>
    <message>
      <source>Manager approval needed</source>
      <translation>Freigabe durch Vorgesetzte nötig</translation>
    </message>
    <message>
      <source>Permission: </source>
      <translation>Berechtigung: </translation>
    </message>
    <message>
      <source>Manager's operator id</source>
      <translation>Bedienernummer der Vorgesetzten</translation>
    </message>
    <message>
      <source>Password or PIN</source>
      <translation>Passwort oder PIN</translation>
    </message>
    <message>
      <source>Approved by</source>
      <translation>Freigegeben von</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>Passwort</translation>
    </message>
    <message>
      <source>Approve</source>
      <translation>Freigeben</translation>
    </message>
    <message>
      <source>Enter the manager's id and password.</source>
      <translation>Nummer und Passwort der Vorgesetzten eingeben.</translation>
    </message>
    <message>
      <source>You cannot approve your own request.</source>
      <translation>Die eigene Anfrage kann man nicht selbst freigeben.</translation>
    </message>
    <message>
      <source>Ask a manager who is not signed in here.</source>
      <translation>Eine andere Vorgesetzte fragen.</translation>
    </message>
    <message>
      <source>Shift report</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Building the report…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Print</source>
      <translation>Drucken</translation>
    </message>
    <message>
      <source>Sold</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Returned</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Can return</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Refund each</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Return now</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Return</source>
      <translation>Rückgabe</translation>
    </message>
    <message>
      <source>Refund cash and finish</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Back to the sale</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Scan the receipt's barcode or type its number</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Find</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Return everything</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Return chosen lines</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Scan the item or type its number</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>1</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Quantity</source>
      <translation>Menge</translation>
    </message>
    <message>
      <source>Return item</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Age check</source>
      <translation>Alterskontrolle</translation>
    </message>
    <message>
      <source>ID checked: sell it</source>
      <translation>Ausweis geprüft: verkaufen</translation>
    </message>
    <message>
      <source>Enter the price</source>
      <translation>Preis eingeben</translation>
    </message>
    <message>
      <source>Key the quantity first, then press ×.</source>
      <translation>Zuerst die Menge eingeben, dann × drücken.</translation>
    </message>
    <message>
      <source>There is no line yet.</source>
      <translation>Es gibt noch keine Position.</translation>
    </message>
    <message>
      <source>New quantity for the selected line</source>
      <translation>Neue Menge für die gewählte Position</translation>
    </message>
    <message>
      <source>change the quantity</source>
      <translation>die Menge ändern</translation>
    </message>
    <message>
      <source>void the line</source>
      <translation>die Position stornieren</translation>
    </message>
    <message>
      <source>give the discount</source>
      <translation>den Rabatt geben</translation>
    </message>
    <message>
      <source>Discount on the selected line</source>
      <translation>Rabatt auf die gewählte Position</translation>
    </message>
    <message>
      <source>Total discount</source>
      <translation>Gesamtrabatt</translation>
    </message>
    <message>
      <source>Discount on the whole sale</source>
      <translation>Rabatt auf den ganzen Verkauf</translation>
    </message>
    <message>
      <source>change the price</source>
      <translation>den Preis ändern</translation>
    </message>
    <message>
      <source>Price override</source>
      <translation>Preis ändern</translation>
    </message>
    <message>
      <source>New unit price for the selected line</source>
      <translation>Neuer Einzelpreis für die gewählte Position</translation>
    </message>
    <message>
      <source>Line comment</source>
      <translation>Positionskommentar</translation>
    </message>
    <message>
      <source>A note printed under the line</source>
      <translation>Ein Hinweis, der unter der Position gedruckt wird</translation>
    </message>
    <message>
      <source>add the comment</source>
      <translation>den Kommentar speichern</translation>
    </message>
    <message>
      <source>explain the price</source>
      <translation>den Preis erklären</translation>
    </message>
    <message>
      <source>Price check</source>
      <translation>Preisabfrage</translation>
    </message>
    <message>
      <source>Scan or key in the item's code</source>
      <translation>Artikelcode scannen oder eintippen</translation>
    </message>
    <message>
      <source>Check the code, or search the item by name (F3).</source>
      <translation>Code prüfen oder den Artikel nach Namen suchen (F3).</translation>
    </message>
    <message>
      <source>Not added to the sale.</source>
      <translation>Nicht zum Verkauf hinzugefügt.</translation>
    </message>
    <message>
      <source>check the price</source>
      <translation>den Preis abfragen</translation>
    </message>
    <message>
      <source>Coupon</source>
      <translation>Gutschein</translation>
    </message>
    <message>
      <source>Scan or type the coupon code</source>
      <translation>Gutscheincode scannen oder eintippen</translation>
    </message>
    <message>
      <source>enter the coupon</source>
      <translation>den Gutschein erfassen</translation>
    </message>
    <message>
      <source>Coupon entered.</source>
      <translation>Gutschein erfasst.</translation>
    </message>
    <message>
      <source>set the customer</source>
      <translation>den Kunden setzen</translation>
    </message>
    <message>
      <source>Choose the customer</source>
      <translation>Kunden auswählen</translation>
    </message>
    <message>
      <source>No customer found.</source>
      <translation>Kein Kunde gefunden.</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Kunde</translation>
    </message>
    <message>
      <source>Customer number, name, e-mail or phone</source>
      <translation>Kundennummer, Name, E-Mail oder Telefon</translation>
    </message>
    <message>
      <source>find the customer</source>
      <translation>den Kunden suchen</translation>
    </message>
    <message>
      <source>suspend the sale</source>
      <translation>den Verkauf parken</translation>
    </message>
    <message>
      <source>Sale suspended. Recall it with F10.</source>
      <translation>Verkauf geparkt. Mit F10 wieder aufrufen.</translation>
    </message>
    <message>
      <source>recall the sale</source>
      <translation>den Verkauf aufrufen</translation>
    </message>
    <message>
      <source>Sale recalled.</source>
      <translation>Verkauf aufgerufen.</translation>
    </message>
    <message>
      <source>list the suspended sales</source>
      <translation>die geparkten Verkäufe lesen</translation>
    </message>
    <message>
      <source>Void the sale</source>
      <translation>Verkauf stornieren</translation>
    </message>
    <message>
      <source>void the sale</source>
      <translation>den Verkauf stornieren</translation>
    </message>
    <message>
      <source>Sale voided.</source>
      <translation>Verkauf storniert.</translation>
    </message>
    <message>
      <source>open the drawer</source>
      <translation>die Lade öffnen</translation>
    </message>
    <message>
      <source>Drawer opened (no sale).</source>
      <translation>Lade geöffnet (ohne Verkauf).</translation>
    </message>
    <message>
      <source>Receipt copy</source>
      <translation>Belegkopie</translation>
    </message>
    <message>
      <source>build the receipt</source>
      <translation>den Beleg erstellen</translation>
    </message>
    <message>
      <source>No printer is set up on this register.</source>
      <translation>An dieser Kasse ist kein Drucker eingerichtet.</translation>
    </message>
    <message>
      <source>Sent to the printer.</source>
      <translation>An den Drucker gesendet.</translation>
    </message>
    <message>
      <source>print the receipt</source>
      <translation>den Beleg drucken</translation>
    </message>
    <message>
      <source>Enter digits, e.g. 2 or 1.5.</source>
      <translation>Ziffern eingeben, z. B. 2 oder 1,5.</translation>
    </message>
    <message>
      <source>Type part of a name…</source>
      <translation>Teil eines Namens eingeben…</translation>
    </message>
    <message>
      <source>Quick</source>
      <translation>Schnell</translation>
    </message>
    <message>
      <source>Categories</source>
      <translation>Warengruppen</translation>
    </message>
    <message>
      <source>Shift and drawer</source>
      <translation>Schicht und Lade</translation>
    </message>
    <message>
      <source>Reading the shift…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Start amount (cash in the drawer)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Open shift</source>
      <translation>Schicht öffnen</translation>
    </message>
    <message>
      <source>Suspended and blind-closed shifts of the store:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Resume shift</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Declare blind-closed shift…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Close blind-closed shift (Z)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Drawer operation…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Declare tenders…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>X report</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Suspend shift</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Blind close</source>
      <translation>Blind abschließen</translation>
    </message>
    <message>
      <source>Reprint last Z report</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Done</source>
      <translation>Fertig</translation>
    </message>
    <message>
      <source>Start a shift</source>
      <translation>Schicht beginnen</translation>
    </message>
    <message>
      <source>Count the cash in the drawer and enter the start amount.</source>
      <translation>Bargeld in der Lade zählen und den Anfangsbestand eingeben.</translation>
    </message>
    <message>
      <source>Start amount, e.g. 150.00</source>
      <translation>Anfangsbestand, z. B. 150,00</translation>
    </message>
    <message>
      <source>Suspended shifts</source>
      <translation>Unterbrochene Schichten</translation>
    </message>
    <message>
      <source>Resume selected shift</source>
      <translation>Gewählte Schicht fortsetzen</translation>
    </message>
    <message>
      <source>Work without a drawer (card only)</source>
      <translation>Ohne Lade arbeiten (nur Karte)</translation>
    </message>
    <message>
      <source>Sign in</source>
      <translation>Anmelden</translation>
    </message>
    <message>
      <source>Opening the register…</source>
      <translation>Die Kasse wird geöffnet…</translation>
    </message>
    <message>
      <source>Or scan your staff badge.</source>
      <translation>Oder den Mitarbeiterausweis scannen.</translation>
    </message>
    <message>
      <source>Register locked</source>
      <translation>Kasse gesperrt</translation>
    </message>
    <message>
      <source>Locked by operator %1. They or a manager can unlock it.</source>
      <translation>Gesperrt von Bediener %1. Nur diese Person oder eine Vorgesetzte kann entsperren.</translation>
    </message>
    <message>
      <source>Unlock</source>
      <translation>Entsperren</translation>
    </message>
    <message>
      <source>Sync: …</source>
      <translation>Sync: …</translation>
    </message>
    <message>
      <source>Status unavailable: </source>
      <translation>Status nicht verfügbar: </translation>
    </message>
    <message>
      <source>%1 unsent</source>
      <translation>%1 nicht gesendet</translation>
    </message>
    <message>
      <source>oldest %1</source>
      <translation>ältester %1</translation>
    </message>
    <message>
      <source>All sent</source>
      <translation>Alles gesendet</translation>
    </message>
    <message>
      <source>No devices</source>
      <translation>Keine Geräte</translation>
    </message>
    <message>
      <source>Devices OK (%1)</source>
      <translation>Geräte OK (%1)</translation>
    </message>
    <message>
      <source>Device problem: </source>
      <translation>Geräteproblem: </translation>
    </message>
    <message>
      <source>Nobody signed in</source>
      <translation>Niemand angemeldet</translation>
    </message>
    <message>
      <source>Shift </source>
      <translation>Schicht </translation>
    </message>
    <message>
      <source>No shift</source>
      <translation>Keine Schicht</translation>
    </message>
    <message>
      <source>Balance due</source>
      <translation>Offener Betrag</translation>
    </message>
    <message>
      <source>Void tender</source>
      <translation>Zahlung stornieren</translation>
    </message>
    <message>
      <source>Check payment</source>
      <translation>Zahlung prüfen</translation>
    </message>
    <message>
      <source>Amount (empty = exact)</source>
      <translation>Betrag (leer = passend)</translation>
    </message>
    <message>
      <source>Cash</source>
      <translation>Bar</translation>
    </message>
    <message>
      <source>Card</source>
      <translation>Karte</translation>
    </message>
    <message>
      <source>Check</source>
      <translation>Scheck</translation>
    </message>
    <message>
      <source>Back to sale</source>
      <translation>Zurück zum Verkauf</translation>
    </message>
    <message>
      <source>Follow the terminal: insert, tap or swipe the card.</source>
      <translation>Bitte am Terminal: Karte einstecken, auflegen oder durchziehen.</translation>
    </message>
    <message>
      <source>Cancel card payment</source>
      <translation>Kartenzahlung abbrechen</translation>
    </message>
    <message>
      <source>New sale</source>
      <translation>Neuer Verkauf</translation>
    </message>
    <message>
      <source>Total </source>
      <translation>Summe </translation>
    </message>
    <message>
      <source>Paid </source>
      <translation>Bezahlt </translation>
    </message>
    <message>
      <source>Enter digits, e.g. 20.</source>
      <translation>Ziffern eingeben, z. B. 20.</translation>
    </message>
    <message>
      <source>take the payment</source>
      <translation>die Zahlung annehmen</translation>
    </message>
    <message>
      <source>take the card payment</source>
      <translation>die Kartenzahlung annehmen</translation>
    </message>
    <message>
      <source>reverse the card</source>
      <translation>die Kartenzahlung stornieren</translation>
    </message>
    <message>
      <source>Card payment cancelled and reversed.</source>
      <translation>Kartenzahlung abgebrochen und storniert.</translation>
    </message>
    <message>
      <source>Card approved.</source>
      <translation>Karte genehmigt.</translation>
    </message>
    <message>
      <source>Card declined: </source>
      <translation>Karte abgelehnt: </translation>
    </message>
    <message>
      <source>Ask for another card or another way to pay.</source>
      <translation>Nach einer anderen Karte oder Zahlungsart fragen.</translation>
    </message>
    <message>
      <source>The card payment's outcome is not known yet.</source>
      <translation>Das Ergebnis der Kartenzahlung ist noch unbekannt.</translation>
    </message>
    <message>
      <source>Press Check payment (F6) to ask the terminal; do not charge again.</source>
      <translation>„Zahlung prüfen“ (F6) fragt das Terminal; nicht noch einmal belasten.</translation>
    </message>
    <message>
      <source>ask the terminal</source>
      <translation>das Terminal fragen</translation>
    </message>
    <message>
      <source>Select the tender to void first.</source>
      <translation>Zuerst die Zahlung wählen.</translation>
    </message>
    <message>
      <source>void the tender</source>
      <translation>die Zahlung stornieren</translation>
    </message>
    <message>
      <source>Tender voided.</source>
      <translation>Zahlung storniert.</translation>
    </message>
    <message>
      <source>finish the sale</source>
      <translation>den Verkauf abschließen</translation>
    </message>
    <message>
      <source>Change due </source>
      <translation>Rückgeld </translation>
    </message>
    <message>
      <source>Printing the receipt…</source>
      <translation>Der Beleg wird gedruckt…</translation>
    </message>
    <message>
      <source>No receipt printer on this register.</source>
      <translation>Kein Bondrucker an dieser Kasse.</translation>
    </message>
    <message>
      <source>Receipt printed.</source>
      <translation>Beleg gedruckt.</translation>
    </message>
    <message>
      <source>Receipt queued for reprint: </source>
      <translation>Beleg zum Nachdruck vorgemerkt: </translation>
    </message>
    <message>
      <source>Receipt not printed: </source>
      <translation>Beleg nicht gedruckt: </translation>
    </message>
    <message>
      <source>Subtotal</source>
      <translation>Zwischensumme</translation>
    </message>
    <message>
      <source>Tax</source>
      <translation>MwSt.</translation>
    </message>
    <message>
      <source>Paid</source>
      <translation>Bezahlt</translation>
    </message>
    <message>
      <source>No customer</source>
      <translation>Kein Kunde</translation>
    </message>
    <message>
      <source>Shift and drawer, returns, journal, devices (Ctrl+M)</source>
      <translation>Schicht und Lade, Rückgaben, Journal, Geräte (Strg+M)</translation>
    </message>
    <message>
      <source>Scan an item, key in its code, or pick it on the right.</source>
      <translation>Artikel scannen, Code eintippen oder rechts auswählen.</translation>
    </message>
    <message>
      <source>Code or amount</source>
      <translation>Code oder Betrag</translation>
    </message>
    <message>
      <source>Quantity for the next item (*)</source>
      <translation>Menge für den nächsten Artikel (*)</translation>
    </message>
    <message>
      <source>Customer: </source>
      <translation>Kunde: </translation>
    </message>
    <message>
      <source>Coupons: </source>
      <translation>Gutscheine: </translation>
    </message>
    <message>
      <source>Check the id and password.</source>
      <translation>Nummer und Passwort prüfen.</translation>
    </message>
    <message>
      <source>Not done: no manager approval.</source>
      <translation>Nicht ausgeführt: keine Freigabe.</translation>
    </message>
    <message>
      <source>refresh the sale</source>
      <translation>den Verkauf neu lesen</translation>
    </message>
    <message>
      <source>Void line</source>
      <translation>Position stornieren</translation>
    </message>
    <message>
      <source>Suspend</source>
      <translation>Parken</translation>
    </message>
    <message>
      <source>Recall</source>
      <translation>Aufrufen</translation>
    </message>
    <message>
      <source>Pay</source>
      <translation>Bezahlen</translation>
    </message>
    <message>
      <source>Void sale</source>
      <translation>Verkauf stornieren</translation>
    </message>
    <message>
      <source>No sale</source>
      <translation>Lade öffnen</translation>
    </message>
    <message>
      <source>Reprint</source>
      <translation>Nachdruck</translation>
    </message>
    <message>
      <source>Lock</source>
      <translation>Sperren</translation>
    </message>
    <message>
      <source>Switch operator</source>
      <translation>Bediener wechseln</translation>
    </message>
    <message>
      <source>Manager</source>
      <translation>Vorgesetzte</translation>
    </message>
    <message>
      <source>Void</source>
      <translation>Stornieren</translation>
    </message>
    <message>
      <source>No sale (open drawer)</source>
      <translation>Lade öffnen ohne Verkauf</translation>
    </message>
    <message>
      <source>X and Z reports</source>
      <translation>X- und Z-Berichte</translation>
    </message>
    <message>
      <source>Tender declarations</source>
      <translation>Zahlungsmittel-Deklaration</translation>
    </message>
    <message>
      <source>Drawer operations</source>
      <translation>Ladenvorgänge</translation>
    </message>
    <message>
      <source>Return with receipt</source>
      <translation>Rückgabe mit Beleg</translation>
    </message>
    <message>
      <source>Return without receipt</source>
      <translation>Rückgabe ohne Beleg</translation>
    </message>
    <message>
      <source>Refund a card sale in cash</source>
      <translation>Kartenverkauf bar erstatten</translation>
    </message>
    <message>
      <source>Tax exemption</source>
      <translation>Steuerbefreiung</translation>
    </message>
    <message>
      <source>Manual discount</source>
      <translation>Manueller Rabatt</translation>
    </message>
    <message>
      <source>Sync not configured</source>
      <translation>Sync nicht eingerichtet</translation>
    </message>
    <message>
      <source>Online</source>
      <translation>Online</translation>
    </message>
    <message>
      <source>Offline</source>
      <translation>Offline</translation>
    </message>
    <message>
      <source>approved</source>
      <translation>genehmigt</translation>
    </message>
    <message>
      <source>pending</source>
      <translation>ausstehend</translation>
    </message>
    <message>
      <source>unknown</source>
      <translation>unbekannt</translation>
    </message>
    <message>
      <source>declined</source>
      <translation>abgelehnt</translation>
    </message>
    <message>
      <source>voided</source>
      <translation>storniert</translation>
    </message>
  </context>
</TS>
