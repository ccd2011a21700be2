"""The public web: views (thin), selectors, tables, filters, chart data, feeds."""
