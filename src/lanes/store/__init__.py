"""The only package that imports SQLAlchemy: tables, rows <-> engine values, migrations."""
