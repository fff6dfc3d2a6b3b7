"""Community group buying (社区团购): residents of a locked area order every day through
their community's group leader, and the postal network fills the orders.

A **group point** (团购点) is a community's collection place, tied to a community (a
region of the network) and to a **pickup point** (自提点), with exactly one **leader**
(团长) — a shop owner, a postal worker, a pickup point's keeper or a postal retail site's
clerk, registered, trained, then active (or paused). Each morning the leader opens the
day's **group order** (开团) with a cut-off time, like a stall owner writing the day's
list on a board at the gate: residents add their line (接龙: nickname, building and room,
phone, items from the province's offers) on a public phone page, change or cancel it
before the cut-off, and see the running list without anyone's phone or room.

At the cut-off the province's **central warehouse** (中心仓, the provincial processing
centre) picks and kits the day's orders in one wave per **forward warehouse** (前置仓, a
county centre), what stock cannot cover goes to the supply desk as a group-buy demand
table, and each forward warehouse's van visits its pickup points on a route from the
transport domain. The leader hands out per resident from a list and ticks each
collection off; the hand-out totals are reconciled against what was delivered.
"""
