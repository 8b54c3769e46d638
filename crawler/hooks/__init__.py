"""Hooks: the few lines of code a site file names where its format cannot say it
(`hook = "crawler.hooks.<site>:<function>"`, docs/adding-a-source.md)."""
