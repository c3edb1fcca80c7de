"""The shared kernel: what every app may use and that imports no app of ours.

- `errors`: the application errors services raise (the API and views turn them into answers).
- `tenancy`: `CompanyOwned`, the base of every model holding a company's data, and its manager.
- `parsing`: amounts and dates as people and documents write them.
- `validation`: the input rules (column-sized numbers, ids, unknown keys) of API serializers and forms.
- `metrics`: counters and histograms every process adds to (read by `monitoring` for /metrics).
- `logs`: JSON log lines carrying the request id and the Celery task id.

The audit trail (`audit`) sits on this kernel too; domain apps sit above both. tests/test_architecture.py
keeps the kernel free of app imports and the app graph free of cycles.
"""
