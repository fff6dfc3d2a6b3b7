"""Command and dispatch (指挥调度): the national control room and the provincial duty desks.

When something happens — a processing centre or an outlet closes, a road is blocked, staff
cannot reach work, a lockdown is declared or lifted — the duty officer records an
**incident** with its place, time, severity and source. The console suggests the response
for its kind (a closure or a lockdown opens a draft planner scenario: the planner's output
is a 网络调整方案, a network adjustment plan) and keeps the incident's timeline: every action,
instruction and change, in order.

Orders go down the network as **instructions** — from the group to provinces, from a
province to its sites — and are executed first and reported after (先执行、后反馈): each
moves issued → received → executed → reported, every step has its deadline in the
platform's deadline sweep, and a late step escalates. An objection never blocks
execution; it is recorded beside the report.

Each province keeps an inventory of **resources** (people with their whitelist status and
closed-loop housing, vehicles, equipment) and lends them across cities and provinces:
while lent, a resource counts at the borrower. Sites file a daily epidemic-safety log.

Each province keeps **emergency plans** (应急预案) per event type; activating one creates
the incident, the planner scenario and its plan run, and the instructions to every unit
the plan names, in one step. A drill does the same in exercise mode and never puts a
network adjustment plan in force.
"""
