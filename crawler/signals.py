"""The project's own Scrapy signals (Scrapy's are in scrapy.signals)."""

# Sent by crawler.report.RunReport at spider close, once the exit status is decided and the
# run report (the RUN_REPORT format, a dict) is built, before RUN_REPORT is written. Handlers
# get `report=` and `spider=`; they must not change the report. Receivers: the run history
# (crawler/run_history.py) and the alerts (crawler/alerts.py).
run_report_ready = object()
