-- A module whose chunk returns false: require stores and returns false.
return false
