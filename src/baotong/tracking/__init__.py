"""Item tracking (查询): where a customer's mail item is, and why it may be late.

A mail item carries a waybill number (UPU S10: two letters, eight digits, a check digit,
the country), its product class, where it was posted and where it goes (county and
delivery station). Scan events follow it through the network — accepted at the counter,
sorted and bagged at a centre, dispatched, arrived, out for delivery, delivered, or held
and returned. They arrive in bulk from the sites' scanners (API or files), and a
re-sent batch changes nothing: an event is the same event when item, kind, site and time
are the same.

During a lockdown every item bound for a controlled area — or routed through a closed
site — shows a **lockdown notice** on its tracking, computed when it is looked up from
the plans in force (so it disappears the moment the plan is lifted), with the extra
delay the plan expects. Announcements (公告) written in the console are shown beside it.
The public sees the tracking without logging in, never the sender's or recipient's
contact.
"""
