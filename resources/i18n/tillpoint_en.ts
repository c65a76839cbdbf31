<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
  <context>
    <name>Register</name>
    <message>
      <source>Devices</source>
      <translation>Devices</translation>
    </message>
    <message>
      <source>Menu</source>
      <translation>Menu</translation>
    </message>
    <message>
      <source>Could not open that screen: </source>
      <translation>Could not open that screen: </translation>
    </message>
    <message>
      <source>Carry on selling; tell the manager.</source>
      <translation>Carry on selling; tell the manager.</translation>
    </message>
    <message>
      <source>Tender declaration</source>
      <translation>Tender declaration</translation>
    </message>
    <message>
      <source> (blind-closed shift)</source>
      <translation> (blind-closed shift)</translation>
    </message>
    <message>
      <source>Declare</source>
      <translation>Declare</translation>
    </message>
    <message>
      <source>Close shift (Z report)</source>
      <translation>Close shift (Z report)</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <source>0</source>
      <translation>0</translation>
    </message>
    <message>
      <source>Device</source>
      <translation>Device</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>Kind</translation>
    </message>
    <message>
      <source>Driver</source>
      <translation>Driver</translation>
    </message>
    <message>
      <source>State</source>
      <translation>State</translation>
    </message>
    <message>
      <source>Health</source>
      <translation>Health</translation>
    </message>
    <message>
      <source>Detail</source>
      <translation>Detail</translation>
    </message>
    <message>
      <source>Check all devices</source>
      <translation>Check all devices</translation>
    </message>
    <message>
      <source>Test print</source>
      <translation>Test print</translation>
    </message>
    <message>
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <source>Enter a value first.</source>
      <translation>Enter a value first.</translation>
    </message>
    <message>
      <source>Choose</source>
      <translation>Choose</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Close</translation>
    </message>
    <message>
      <source>Line discount</source>
      <translation>Line discount</translation>
    </message>
    <message>
      <source>Discount for Espresso Beans 1kg</source>
      <translation>Discount for Espresso Beans 1kg</translation>
    </message>
    <message>
      <source>Amount</source>
      <translation>Amount</translation>
    </message>
    <message>
      <source>Recall a suspended sale</source>
      <translation>Recall a suspended sale</translation>
    </message>
    <message>
      <source>No suspended sales.</source>
      <translation>No suspended sales.</translation>
    </message>
    <message>
      <source>Why this price</source>
      <translation>Why this price</translation>
    </message>
    <message>
      <source>Drawer operation</source>
      <translation>Drawer operation</translation>
    </message>
    <message>
      <source>Amount, e.g. 50.00</source>
      <translation>Amount, e.g. 50.00</translation>
    </message>
    <message>
      <source>Bank bag number</source>
      <translation>Bank bag number</translation>
    </message>
    <message>
      <source>Comment (optional)</source>
      <translation>Comment (optional)</translation>
    </message>
    <message>
      <source>Tender</source>
      <translation>Tender</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>Reason</translation>
    </message>
    <message>
      <source>Bag number</source>
      <translation>Bag number</translation>
    </message>
    <message>
      <source>Comment</source>
      <translation>Comment</translation>
    </message>
    <message>
      <source>Record</source>
      <translation>Record</translation>
    </message>
    <message>
      <source>No reason</source>
      <translation>No reason</translation>
    </message>
    <message>
      <source>Choose a reason…</source>
      <translation>Choose a reason…</translation>
    </message>
    <message>
      <source>Receipt</source>
      <translation>Receipt</translation>
    </message>
    <message>
      <source>Ended</source>
      <translation>Ended</translation>
    </message>
    <message>
      <source>Operator</source>
      <translation>Operator</translation>
    </message>
    <message>
      <source>Total</source>
      <translation>Total</translation>
    </message>
    <message>
      <source>Lines</source>
      <translation>Lines</translation>
    </message>
    <message>
      <source>Electronic journal</source>
      <translation>Electronic journal</translation>
    </message>
    <message>
      <source>Receipt number</source>
      <translation>Receipt number</translation>
    </message>
    <message>
      <source>From day (2026-03-31)</source>
      <translation>From day (2026-03-31)</translation>
    </message>
    <message>
      <source>To day</source>
      <translation>To day</translation>
    </message>
    <message>
      <source>Operator id</source>
      <translation>Operator id</translation>
    </message>
    <message>
      <source>Lowest total</source>
      <translation>Lowest total</translation>
    </message>
    <message>
      <source>Highest total</source>
      <translation>Highest total</translation>
    </message>
    <message>
      <source>Search</source>
      <translation>Search</translation>
    </message>
    <message>
      <source>Clear</source>
      <translation>Clear</translation>
    </message>
    <message>
      <source>Pick a transaction to see its receipt.</source>
      <translation>Pick a transaction to see its receipt.</translation>
    </message>
    <message>
      <source>Reprint (copy)</source>
      <translation>Reprint (copy)</translation>
    </message>
    <message>
      <source>Gift receipt</source>
      <translation>Gift receipt</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>Item</translation>
    </message>
    <message>
      <source>Qty</source>
      <translation>Qty</translation>
    </message>
    <message>
      <source>Unit price</source>
      <translation>Unit price</translation>
    </message>
    <message>
      <source>Discounts</source>
      <translation>Discounts</translation>
    </message>
    <message>
      <source>Voided</source>
      <translation>Voided</translation>
    </message>
    <message>
      <source>open the register</source>
      <translation>open the register</translation>
    </message>
    <message>
      <source>register</source>
      <translation>register</translation>
    </message>
    <message>
      <source>list the suspended shifts</source>
      <translation>list the suspended shifts</translation>
    </message>
    <message>
      <source>sign in</source>
      <translation>sign in</translation>
    </message>
    <message>
      <source>lock the register</source>
      <translation>lock the register</translation>
    </message>
    <message>
      <source>sign out</source>
      <translation>sign out</translation>
    </message>
    <message>
      <source>Enter the counted cash.</source>
      <translation>Enter the counted cash.</translation>
    </message>
    <message>
      <source>open the shift</source>
      <translation>open the shift</translation>
    </message>
    <message>
      <source>Shift opened.</source>
      <translation>Shift opened.</translation>
    </message>
    <message>
      <source>resume the shift</source>
      <translation>resume the shift</translation>
    </message>
    <message>
      <source>Shift resumed.</source>
      <translation>Shift resumed.</translation>
    </message>
    <message>
      <source>Working without a drawer: card payments only.</source>
      <translation>Working without a drawer: card payments only.</translation>
    </message>
    <message>
      <source>There is nothing to pay yet.</source>
      <translation>There is nothing to pay yet.</translation>
    </message>
    <message>
      <source>Scan an item first.</source>
      <translation>Scan an item first.</translation>
    </message>
    <message>
      <source>Finish the payment first.</source>
      <translation>Finish the payment first.</translation>
    </message>
    <message>
      <source>Or go back to the sale (Esc) to add the item.</source>
      <translation>Or go back to the sale (Esc) to add the item.</translation>
    </message>
    <message>
      <source>add the item</source>
      <translation>add the item</translation>
    </message>
    <message>
      <source>Backspace</source>
      <translation>Backspace</translation>
    </message>
    <message>
      <source>C</source>
      <translation>C</translation>
    </message>
    <message>
      <source>Enter</source>
      <translation>Enter</translation>
    </message>
    <message>
      <source>Manager approval</source>
      <translation>Manager approval</translation>
    </message>
    <message>
      <source>Manager approval needed</source>
      <translation>Manager approval needed</translation>
    </message>
    <message>
      <source>Permission: </source>
      <translation>Permission: </translation>
    </message>
    <message>
      <source>Manager's operator id</source>
      <translation>Manager's operator id</translation>
    </message>
    <message>
      <source>Password or PIN</source>
      <translation>Password or PIN</translation>
    </message>
    <message>
      <source>Approved by</source>
      <translation>Approved by</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>Password</translation>
    </message>
    <message>
      <source>Approve</source>
      <translation>Approve</translation>
    </message>
    <message>
      <source>Enter the manager's id and password.</source>
      <translation>Enter the manager's id and password.</translation>
    </message>
    <message>
      <source>You cannot approve your own request.</source>
      <translation>You cannot approve your own request.</translation>
    </message>
    <message>
      <source>Ask a manager who is not signed in here.</source>
      <translation>Ask a manager who is not signed in here.</translation>
    </message>
    <message>
      <source>Shift report</source>
      <translation>Shift report</translation>
    </message>
    <message>
      <source>Building the report…</source>
      <translation>Building the report…</translation>
    </message>
    <message>
      <source>Print</source>
      <translation>Print</translation>
    </message>
    <message>
      <source>Sold</source>
      <translation>Sold</translation>
    </message>
    <message>
      <source>Returned</source>
      <translation>Returned</translation>
    </message>
    <message>
      <source>Can return</source>
      <translation>Can return</translation>
    </message>
    <message>
      <source>Refund each</source>
      <translation>Refund each</translation>
    </message>
    <message>
      <source>Return now</source>
      <translation>Return now</translation>
    </message>
    <message>
      <source>Return</source>
      <translation>Return</translation>
    </message>
    <message>
      <source>Refund cash and finish</source>
      <translation>Refund cash and finish</translation>
    </message>
    <message>
      <source>Back to the sale</source>
      <translation>Back to the sale</translation>
    </message>
    <message>
      <source>Scan the receipt's barcode or type its number</source>
      <translation>Scan the receipt's barcode or type its number</translation>
    </message>
    <message>
      <source>Find</source>
      <translation>Find</translation>
    </message>
    <message>
      <source>Return everything</source>
      <translation>Return everything</translation>
    </message>
    <message>
      <source>Return chosen lines</source>
      <translation>Return chosen lines</translation>
    </message>
    <message>
      <source>Scan the item or type its number</source>
      <translation>Scan the item or type its number</translation>
    </message>
    <message>
      <source>1</source>
      <translation>1</translation>
    </message>
    <message>
      <source>Quantity</source>
      <translation>Quantity</translation>
    </message>
    <message>
      <source>Return item</source>
      <translation>Return item</translation>
    </message>
    <message>
      <source>Age check</source>
      <translation>Age check</translation>
    </message>
    <message>
      <source>ID checked: sell it</source>
      <translation>ID checked: sell it</translation>
    </message>
    <message>
      <source>Enter the price</source>
      <translation>Enter the price</translation>
    </message>
    <message>
      <source>Key the quantity first, then press ×.</source>
      <translation>Key the quantity first, then press ×.</translation>
    </message>
    <message>
      <source>There is no line yet.</source>
      <translation>There is no line yet.</translation>
    </message>
    <message>
      <source>New quantity for the selected line</source>
      <translation>New quantity for the selected line</translation>
    </message>
    <message>
      <source>change the quantity</source>
      <translation>change the quantity</translation>
    </message>
    <message>
      <source>void the line</source>
      <translation>void the line</translation>
    </message>
    <message>
      <source>give the discount</source>
      <translation>give the discount</translation>
    </message>
    <message>
      <source>Discount on the selected line</source>
      <translation>Discount on the selected line</translation>
    </message>
    <message>
      <source>Total discount</source>
      <translation>Total discount</translation>
    </message>
    <message>
      <source>Discount on the whole sale</source>
      <translation>Discount on the whole sale</translation>
    </message>
    <message>
      <source>change the price</source>
      <translation>change the price</translation>
    </message>
    <message>
      <source>Price override</source>
      <translation>Price override</translation>
    </message>
    <message>
      <source>New unit price for the selected line</source>
      <translation>New unit price for the selected line</translation>
    </message>
    <message>
      <source>Line comment</source>
      <translation>Line comment</translation>
    </message>
    <message>
      <source>A note printed under the line</source>
      <translation>A note printed under the line</translation>
    </message>
    <message>
      <source>add the comment</source>
      <translation>add the comment</translation>
    </message>
    <message>
      <source>explain the price</source>
      <translation>explain the price</translation>
    </message>
    <message>
      <source>Price check</source>
      <translation>Price check</translation>
    </message>
    <message>
      <source>Scan or key in the item's code</source>
      <translation>Scan or key in the item's code</translation>
    </message>
    <message>
      <source>Check the code, or search the item by name (F3).</source>
      <translation>Check the code, or search the item by name (F3).</translation>
    </message>
    <message>
      <source>Not added to the sale.</source>
      <translation>Not added to the sale.</translation>
    </message>
    <message>
      <source>check the price</source>
      <translation>check the price</translation>
    </message>
    <message>
      <source>Coupon</source>
      <translation>Coupon</translation>
    </message>
    <message>
      <source>Scan or type the coupon code</source>
      <translation>Scan or type the coupon code</translation>
    </message>
    <message>
      <source>enter the coupon</source>
      <translation>enter the coupon</translation>
    </message>
    <message>
      <source>Coupon entered.</source>
      <translation>Coupon entered.</translation>
    </message>
    <message>
      <source>set the customer</source>
      <translation>set the customer</translation>
    </message>
    <message>
      <source>Choose the customer</source>
      <translation>Choose the customer</translation>
    </message>
    <message>
      <source>No customer found.</source>
      <translation>No customer found.</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Customer</translation>
    </message>
    <message>
      <source>Customer number, name, e-mail or phone</source>
      <translation>Customer number, name, e-mail or phone</translation>
    </message>
    <message>
      <source>find the customer</source>
      <translation>find the customer</translation>
    </message>
    <message>
      <source>suspend the sale</source>
      <translation>suspend the sale</translation>
    </message>
    <message>
      <source>Sale suspended. Recall it with F10.</source>
      <translation>Sale suspended. Recall it with F10.</translation>
    </message>
    <message>
      <source>recall the sale</source>
      <translation>recall the sale</translation>
    </message>
    <message>
      <source>Sale recalled.</source>
      <translation>Sale recalled.</translation>
    </message>
    <message>
      <source>list the suspended sales</source>
      <translation>list the suspended sales</translation>
    </message>
    <message>
      <source>Void the sale</source>
      <translation>Void the sale</translation>
    </message>
    <message>
      <source>void the sale</source>
      <translation>void the sale</translation>
    </message>
    <message>
      <source>Sale voided.</source>
      <translation>Sale voided.</translation>
    </message>
    <message>
      <source>open the drawer</source>
      <translation>open the drawer</translation>
    </message>
    <message>
      <source>Drawer opened (no sale).</source>
      <translation>Drawer opened (no sale).</translation>
    </message>
    <message>
      <source>Receipt copy</source>
      <translation>Receipt copy</translation>
    </message>
    <message>
      <source>build the receipt</source>
      <translation>build the receipt</translation>
    </message>
    <message>
      <source>No printer is set up on this register.</source>
      <translation>No printer is set up on this register.</translation>
    </message>
    <message>
      <source>Sent to the printer.</source>
      <translation>Sent to the printer.</translation>
    </message>
    <message>
      <source>print the receipt</source>
      <translation>print the receipt</translation>
    </message>
    <message>
      <source>Enter digits, e.g. 2 or 1.5.</source>
      <translation>Enter digits, e.g. 2 or 1.5.</translation>
    </message>
    <message>
      <source>Type part of a name…</source>
      <translation>Type part of a name…</translation>
    </message>
    <message>
      <source>Quick</source>
      <translation>Quick</translation>
    </message>
    <message>
      <source>Categories</source>
      <translation>Categories</translation>
    </message>
    <message>
      <source>Shift and drawer</source>
      <translation>Shift and drawer</translation>
    </message>
    <message>
      <source>Reading the shift…</source>
      <translation>Reading the shift…</translation>
    </message>
    <message>
      <source>Start amount (cash in the drawer)</source>
      <translation>Start amount (cash in the drawer)</translation>
    </message>
    <message>
      <source>Open shift</source>
      <translation>Open shift</translation>
    </message>
    <message>
      <source>Suspended and blind-closed shifts of the store:</source>
      <translation>Suspended and blind-closed shifts of the store:</translation>
    </message>
    <message>
      <source>Resume shift</source>
      <translation>Resume shift</translation>
    </message>
    <message>
      <source>Declare blind-closed shift…</source>
      <translation>Declare blind-closed shift…</translation>
    </message>
    <message>
      <source>Close blind-closed shift (Z)</source>
      <translation>Close blind-closed shift (Z)</translation>
    </message>
    <message>
      <source>Drawer operation…</source>
      <translation>Drawer operation…</translation>
    </message>
    <message>
      <source>Declare tenders…</source>
      <translation>Declare tenders…</translation>
    </message>
    <message>
      <source>X report</source>
      <translation>X report</translation>
    </message>
    <message>
      <source>Suspend shift</source>
      <translation>Suspend shift</translation>
    </message>
    <message>
      <source>Blind close</source>
      <translation>Blind close</translation>
    </message>
    <message>
      <source>Reprint last Z report</source>
      <translation>Reprint last Z report</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Done</translation>
    </message>
    <message>
      <source>Start a shift</source>
      <translation>Start a shift</translation>
    </message>
    <message>
      <source>Count the cash in the drawer and enter the start amount.</source>
      <translation>Count the cash in the drawer and enter the start amount.</translation>
    </message>
    <message>
      <source>Start amount, e.g. 150.00</source>
      <translation>Start amount, e.g. 150.00</translation>
    </message>
    <message>
      <source>Suspended shifts</source>
      <translation>Suspended shifts</translation>
    </message>
    <message>
      <source>Resume selected shift</source>
      <translation>Resume selected shift</translation>
    </message>
    <message>
      <source>Work without a drawer (card only)</source>
      <translation>Work without a drawer (card only)</translation>
    </message>
    <message>
      <source>Sign in</source>
      <translation>Sign in</translation>
    </message>
    <message>
      <source>Opening the register…</source>
      <translation>Opening the register…</translation>
    </message>
    <message>
      <source>Or scan your staff badge.</source>
      <translation>Or scan your staff badge.</translation>
    </message>
    <message>
      <source>Register locked</source>
      <translation>Register locked</translation>
    </message>
    <message>
      <source>Locked by operator %1. They or a manager can unlock it.</source>
      <translation>Locked by operator %1. They or a manager can unlock it.</translation>
    </message>
    <message>
      <source>Unlock</source>
      <translation>Unlock</translation>
    </message>
    <message>
      <source>Sync: …</source>
      <translation>Sync: …</translation>
    </message>
    <message>
      <source>Status unavailable: </source>
      <translation>Status unavailable: </translation>
    </message>
    <message>
      <source>%1 unsent</source>
      <translation>%1 unsent</translation>
    </message>
    <message>
      <source>oldest %1</source>
      <translation>oldest %1</translation>
    </message>
    <message>
      <source>All sent</source>
      <translation>All sent</translation>
    </message>
    <message>
      <source>No devices</source>
      <translation>No devices</translation>
    </message>
    <message>
      <source>Devices OK (%1)</source>
      <translation>Devices OK (%1)</translation>
    </message>
    <message>
      <source>Device problem: </source>
      <translation>Device problem: </translation>
    </message>
    <message>
      <source>Nobody signed in</source>
      <translation>Nobody signed in</translation>
    </message>
    <message>
      <source>Shift </source>
      <translation>Shift </translation>
    </message>
    <message>
      <source>No shift</source>
      <translation>No shift</translation>
    </message>
    <message>
      <source>Balance due</source>
      <translation>Balance due</translation>
    </message>
    <message>
      <source>Void tender</source>
      <translation>Void tender</translation>
    </message>
    <message>
      <source>Check payment</source>
      <translation>Check payment</translation>
    </message>
    <message>
      <source>Amount (empty = exact)</source>
      <translation>Amount (empty = exact)</translation>
    </message>
    <message>
      <source>Cash</source>
      <translation>Cash</translation>
    </message>
    <message>
      <source>Card</source>
      <translation>Card</translation>
    </message>
    <message>
      <source>Check</source>
      <translation>Check</translation>
    </message>
    <message>
      <source>Back to sale</source>
      <translation>Back to sale</translation>
    </message>
    <message>
      <source>Follow the terminal: insert, tap or swipe the card.</source>
      <translation>Follow the terminal: insert, tap or swipe the card.</translation>
    </message>
    <message>
      <source>Cancel card payment</source>
      <translation>Cancel card payment</translation>
    </message>
    <message>
      <source>New sale</source>
      <translation>New sale</translation>
    </message>
    <message>
      <source>Total </source>
      <translation>Total </translation>
    </message>
    <message>
      <source>Paid </source>
      <translation>Paid </translation>
    </message>
    <message>
      <source>Enter digits, e.g. 20.</source>
      <translation>Enter digits, e.g. 20.</translation>
    </message>
    <message>
      <source>take the payment</source>
      <translation>take the payment</translation>
    </message>
    <message>
      <source>take the card payment</source>
      <translation>take the card payment</translation>
    </message>
    <message>
      <source>reverse the card</source>
      <translation>reverse the card</translation>
    </message>
    <message>
      <source>Card payment cancelled and reversed.</source>
      <translation>Card payment cancelled and reversed.</translation>
    </message>
    <message>
      <source>Card approved.</source>
      <translation>Card approved.</translation>
    </message>
    <message>
      <source>Card declined: </source>
      <translation>Card declined: </translation>
    </message>
    <message>
      <source>Ask for another card or another way to pay.</source>
      <translation>Ask for another card or another way to pay.</translation>
    </message>
    <message>
      <source>The card payment's outcome is not known yet.</source>
      <translation>The card payment's outcome is not known yet.</translation>
    </message>
    <message>
      <source>Press Check payment (F6) to ask the terminal; do not charge again.</source>
      <translation>Press Check payment (F6) to ask the terminal; do not charge again.</translation>
    </message>
    <message>
      <source>ask the terminal</source>
      <translation>ask the terminal</translation>
    </message>
    <message>
      <source>Select the tender to void first.</source>
      <translation>Select the tender to void first.</translation>
    </message>
    <message>
      <source>void the tender</source>
      <translation>void the tender</translation>
    </message>
    <message>
      <source>Tender voided.</source>
      <translation>Tender voided.</translation>
    </message>
    <message>
      <source>finish the sale</source>
      <translation>finish the sale</translation>
    </message>
    <message>
      <source>Change due </source>
      <translation>Change due </translation>
    </message>
    <message>
      <source>Printing the receipt…</source>
      <translation>Printing the receipt…</translation>
    </message>
    <message>
      <source>No receipt printer on this register.</source>
      <translation>No receipt printer on this register.</translation>
    </message>
    <message>
      <source>Receipt printed.</source>
      <translation>Receipt printed.</translation>
    </message>
    <message>
      <source>Receipt queued for reprint: </source>
      <translation>Receipt queued for reprint: </translation>
    </message>
    <message>
      <source>Receipt not printed: </source>
      <translation>Receipt not printed: </translation>
    </message>
    <message>
      <source>Subtotal</source>
      <translation>Subtotal</translation>
    </message>
    <message>
      <source>Tax</source>
      <translation>Tax</translation>
    </message>
    <message>
      <source>Paid</source>
      <translation>Paid</translation>
    </message>
    <message>
      <source>No customer</source>
      <translation>No customer</translation>
    </message>
    <message>
      <source>Shift and drawer, returns, journal, devices (Ctrl+M)</source>
      <translation>Shift and drawer, returns, journal, devices (Ctrl+M)</translation>
    </message>
    <message>
      <source>Scan an item, key in its code, or pick it on the right.</source>
      <translation>Scan an item, key in its code, or pick it on the right.</translation>
    </message>
    <message>
      <source>Code or amount</source>
      <translation>Code or amount</translation>
    </message>
    <message>
      <source>Quantity for the next item (*)</source>
      <translation>Quantity for the next item (*)</translation>
    </message>
    <message>
      <source>Customer: </source>
      <translation>Customer: </translation>
    </message>
    <message>
      <source>Coupons: </source>
      <translation>Coupons: </translation>
    </message>
    <message>
      <source>Check the id and password.</source>
      <translation>Check the id and password.</translation>
    </message>
    <message>
      <source>Not done: no manager approval.</source>
      <translation>Not done: no manager approval.</translation>
    </message>
    <message>
      <source>refresh the sale</source>
      <translation>refresh the sale</translation>
    </message>
    <message>
      <source>Void line</source>
      <translation>Void line</translation>
    </message>
    <message>
      <source>Suspend</source>
      <translation>Suspend</translation>
    </message>
    <message>
      <source>Recall</source>
      <translation>Recall</translation>
    </message>
    <message>
      <source>Pay</source>
      <translation>Pay</translation>
    </message>
    <message>
      <source>Void sale</source>
      <translation>Void sale</translation>
    </message>
    <message>
      <source>No sale</source>
      <translation>No sale</translation>
    </message>
    <message>
      <source>Reprint</source>
      <translation>Reprint</translation>
    </message>
    <message>
      <source>Lock</source>
      <translation>Lock</translation>
    </message>
    <message>
      <source>Switch operator</source>
      <translation>Switch operator</translation>
    </message>
    <message>
      <source>Manager</source>
      <translation>Manager</translation>
    </message>
    <message>
      <source>Void</source>
      <translation>Void</translation>
    </message>
    <message>
      <source>No sale (open drawer)</source>
      <translation>No sale (open drawer)</translation>
    </message>
    <message>
      <source>X and Z reports</source>
      <translation>X and Z reports</translation>
    </message>
    <message>
      <source>Tender declarations</source>
      <translation>Tender declarations</translation>
    </message>
    <message>
      <source>Drawer operations</source>
      <translation>Drawer operations</translation>
    </message>
    <message>
      <source>Return with receipt</source>
      <translation>Return with receipt</translation>
    </message>
    <message>
      <source>Return without receipt</source>
      <translation>Return without receipt</translation>
    </message>
    <message>
      <source>Refund a card sale in cash</source>
      <translation>Refund a card sale in cash</translation>
    </message>
    <message>
      <source>Tax exemption</source>
      <translation>Tax exemption</translation>
    </message>
    <message>
      <source>Manual discount</source>
      <translation>Manual discount</translation>
    </message>
    <message>
      <source>Sync not configured</source>
      <translation>Sync not configured</translation>
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
      <translation>approved</translation>
    </message>
    <message>
      <source>pending</source>
      <translation>pending</translation>
    </message>
    <message>
      <source>unknown</source>
      <translation>unknown</translation>
    </message>
    <message>
      <source>declined</source>
      <translation>declined</translation>
    </message>
    <message>
      <source>voided</source>
      <translation>voided</translation>
    </message>
  </context>
</TS>
