"""Who may do what, where.

Like the duty roster of a sorting centre, every person has one role (admin, planner,
dispatcher, warehouse_operator, cs_agent, group_leader, viewer) and one scope: the whole
country, one province, or one unit in a province (a warehouse, a group point, a call
centre; the role decides which kind). Every endpoint names the permission it needs; scope
decides which sites, plans and units a person can see at all. Administrators change
roles and scopes, deactivate users and reset passwords; a deactivated user's logins end.
"""
