"""Intake: what a file must be before it becomes a document.

`inspect_upload(data, filename=..., allow_zip=...)` checks the bytes by their content (never the
extension) and returns the file(s) to store, or raises `IntakeRejected` with a message a person can
act on. `text_to_pdf` renders plain text as a small PDF (e-mail bodies, demo documents).
"""

from documents.intake.checks import IntakeFile, IntakeRejected, inspect_upload, sniff
from documents.intake.textpdf import html_to_text, text_to_pdf

__all__ = ["IntakeFile", "IntakeRejected", "html_to_text", "inspect_upload", "sniff", "text_to_pdf"]
