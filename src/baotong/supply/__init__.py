"""Emergency supply (保供): demand tables, quotations and their clocks, kits, contracts,
allocation, arrival, and the shipping mode of every line.

When a province locks down, its postal company gathers what governments and large
customers need into one demand table with a named owner and sends it to the sourcing
desk, which must quote within 24 hours; the province must confirm within 4 hours. The
engine modules here (``catalogue``, ``clocks``, ``shipping``, ``template``) are pure: plain
data in, plain data out.
"""
