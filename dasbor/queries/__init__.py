"""Queries behind the pages, one module per page; every value is a bound parameter and every query
applies the viewer's scope through ``Filters.where``."""
