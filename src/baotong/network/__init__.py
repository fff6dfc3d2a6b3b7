"""The national postal network Baotong plans around.

Like a railway timetable with its stations, a postal network is a set of sites —
processing centres (处理中心) that sort, collection hubs (集散中心) that pre-sort air mail,
delivery stations (揽投部) that deliver to grids (网格) and segments (段道) — joined by road
and air links, with a baseline sort plan that says which centre sorts mail for each
destination, and the daily volumes that flow between prefectures.

``entities`` holds the plain typed data; ``reference`` loads the bundled network of
mainland China (``load_reference``) or the one a user imported (``load_active``);
``build`` and ``sources`` rebuild the reference from params.toml and the source packages;
``bundle`` is its compact shipped format; ``io`` (with ``tables`` and ``checks``) reads,
checks and writes a user's own network as CSV tables; ``lookup`` finds a region by code,
name or pinyin; ``summary`` is what ``baotong network show`` prints.
"""
