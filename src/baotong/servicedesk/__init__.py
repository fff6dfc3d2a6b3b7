"""The service desk (保畅 customer service): urgent tickets, agent scripts, call-centre load
and diversion, and the public channels board.

Every complaint — phoned in to an agent or left on the public tracking page — becomes an
**urgent ticket** (紧急工单) tied to the item. It walks the source's flow: the responsible
province *contacts* the customer and promises a processing time; the production unit
where the item lies *investigates* and records findings; the 11183 urgent-ticket team
*calls back* and records the result and the customer's satisfaction; then it is closed,
and reopened if the customer complains again. Each step has a deadline in the platform's
deadline sweep: a reminder before it, an escalation to the province's supervisors when
it passes.

Agents answer from **scripts** (话术) versioned by topic, the one for the item's situation
shown beside the ticket and the lookup. Supervisors watch each province's **call-centre
load** (contacts waiting, the longest wait, agents online including remote VPN seats)
and **divert** overflow to named centres or the national centre by rules the sweep
applies; and keep the public **channels** board (counters, own e-channels, platforms).
"""
