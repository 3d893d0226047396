import a
if x:
	import b
	if y:
		import c
        import d_same_as_tab
import e
