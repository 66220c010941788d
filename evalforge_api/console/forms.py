"""Reading the console's HTML form posts (application/x-www-form-urlencoded) into pydantic models.

Parsed with the standard library rather than FastAPI's Form(), which needs python-multipart, a package the
project does not declare.
"""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import parse_qsl

from fastapi import Request, status
from pydantic import BaseModel, ValidationError

from evalforge_api.console.pages import ConsolePageError

M = TypeVar("M", bound=BaseModel)
MAX_FORM_BYTES = 20_000


async def read_form(request: Request, model: type[M]) -> M:
    """The posted form as `model`; a 400 page naming the fields when it does not fit."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise ConsolePageError(status.HTTP_413_CONTENT_TOO_LARGE,
                               f"The form is larger than {MAX_FORM_BYTES} bytes; send less text.")
    fields = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
    try:
        return model.model_validate(fields)
    except ValidationError as invalid:
        names = ", ".join(str(error["loc"][0]) for error in invalid.errors() if error["loc"])
        raise ConsolePageError(status.HTTP_400_BAD_REQUEST,
                               f"The form's fields {names} are missing or invalid; go back and fill them in.") from None
