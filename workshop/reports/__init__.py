"""Session report, exports (CSV, XLSX, JSON) and import, and the program view."""
