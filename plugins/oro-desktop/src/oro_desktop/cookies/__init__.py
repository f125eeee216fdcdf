"""oro:cookies: the cookies of the app's origin in the windows' own cookie store."""
