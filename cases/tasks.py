"""Thin Celery tasks of the case app."""

from celery import shared_task


@shared_task(ignore_result=True)
def document_render(document_id: int) -> None:
    """Render and store an issued document's PDF after its transaction committed (cases.documents)."""
    from .documents import document_render as render

    render(document_id=document_id)
