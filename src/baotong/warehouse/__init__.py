"""Warehouses (汇集点, 中心仓, 前置仓): the stock ledger and the seven operations.

A consolidation point next to a locked-down city, a province's central warehouse and its
county forward warehouses run the same warehouse system. Goods arrive from suppliers and
are received at a dock, put away into bins, picked in waves onto a staging area,
assembled into kits by the kit's bill of items, packed, loaded onto a vehicle or trailer
that is sealed, and handed to transport. Each of these is a *document* with a state.

Every change of stock is a *move* appended to the ledger: so many units of an SKU (and
lot) from one location to another, by whom, for which document. On-hand and reserved
quantities per SKU, lot and location (the *quants*) are kept in step with the ledger in
the same transaction by guarded UPDATEs, so stock never goes negative, even with many
scanners at once. Like the card index of a store room: every slip that moves a box is
filed, and the count on each shelf is the sum of the slips.
"""
