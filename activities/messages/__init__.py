"""Customer messages: catalogues per locale (`locales/`), Babel formatting, one renderer."""

from activities.messages.catalogue import MissingTemplateError
from activities.messages.renderer import render, render_message

__all__ = ["MissingTemplateError", "render", "render_message"]
