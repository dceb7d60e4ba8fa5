"""Conversations many tests share, written as a person would do them: the dispatcher-level
steps drive a ``World``; ``conversations`` drives the running bot over HTTP."""
