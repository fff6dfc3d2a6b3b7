"""Who may do what, where.

Like the duty roster of a sorting centre, every person has one role (admin, planner,
dispatcher, warehouse_operator, cs_agent, group_leader, viewer) and one scope: the whole
country, or one province. Every endpoint names the permission it needs; scope decides
which sites and plans a person can see at all.
"""
