"""vn-plan-pipeline: scanned Vietnamese administrative plans -> JSON and Markdown.

Stages: ingest -> ocr -> restore -> segment -> emit, each a module with a function
`Document -> Document` (see pipeline.model).
"""

__version__ = "0.1.0"
