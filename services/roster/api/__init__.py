"""Roster's HTTP routes: thin translations between HTTP and the domain modules."""

from services.roster.api import auth, directory, documents, imports, review, students

routers = [auth.router, auth.me_router, directory.router, students.router, imports.router, review.router,
           documents.router]
