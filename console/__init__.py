"""The staff console: a web app and JSON API for managers, specialists and operators."""
