"""Form definitions and field rights: a pure function (form, scope, user) -> rights."""
