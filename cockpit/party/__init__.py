"""Party building (党建引领): the responsibility list of branch tasks and the branch scoreboard.

Import each module by its own name; this package imports nothing."""
