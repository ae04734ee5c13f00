"""Views, modals and embed builders shared by the cogs."""
