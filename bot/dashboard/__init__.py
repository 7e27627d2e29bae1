"""`main.py dashboard`: Datasette over the bot's database, read-only, with canned queries and charts."""
