"""The one place that runs external programs: Tesseract (`tesseract`: libtesseract in this
process when it can be loaded, else the tesseract program through pytesseract), poppler's
programs (`poppler`; pdfinfo also through pdf2image) and, for benchmarks, OCRmyPDF (`ocrmypdf`).
Every call has a time limit (`programs`) and turns failures into PipelineErrors.

Callers use this package's names (`external.tesseract_data(...)`): they are its API.
Tesseract runs with OMP_THREAD_LIMIT=1 (see `programs`). VN_PLAN_LIBTESSERACT=0 runs the
tesseract program instead of the library.
"""

from pipeline.external.libtesseract import release_engines
from pipeline.external.ocrmypdf import ocrmypdf_sidecar
from pipeline.external.poppler import (
    pdf_page_blocks,
    pdf_page_count,
    pdf_page_image,
    pdf_page_images,
    pdf_page_size,
    pdf_page_text,
    poppler_warnings,
    rasterize_pdf_page,
)
from pipeline.external.programs import require_program
from pipeline.external.tesseract import (
    tesseract_data,
    tesseract_data_many,
    tesseract_osd,
)
from pipeline.external.tesseract_program import (
    program_data as tesseract_program_data,
)
from pipeline.external.tesseract_program import (
    require_languages,
    tesseract_languages,
)

__all__ = [
    "ocrmypdf_sidecar", "pdf_page_blocks", "pdf_page_count", "pdf_page_image",
    "pdf_page_images", "pdf_page_size", "pdf_page_text", "poppler_warnings",
    "rasterize_pdf_page", "release_engines", "require_languages", "require_program",
    "tesseract_data", "tesseract_data_many", "tesseract_languages", "tesseract_osd",
    "tesseract_program_data",
]
