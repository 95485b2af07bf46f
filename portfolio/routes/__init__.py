"""One module per audience. Routes parse, authorize, call a service and render; nothing more."""
