def render_daily(entries, out):
    out.write("<table>\n")
    for e in entries:
        out.write("<tr><td>%s</td><td>%.2f</td><td>%s</td></tr>\n" % (e.name, e.value, e.note or ""))
        if e.children:
            for c in e.children:
                out.write("<tr><td>&nbsp;%s</td><td>%.2f</td></tr>\n" % (c.name, c.value))
    out.write("</table>\n")


def render_weekly(entries, out):
    out.write("<h1>week</h1>\n")
    out.write("<table>\n")
    for e in entries:
        out.write("<tr><td>%s</td><td>%.2f</td><td>%s</td></tr>\n" % (e.name, e.value, e.note or ""))
        if e.children:
            for c in e.children:
                out.write("<tr><td>&nbsp;%s</td><td>%.2f</td></tr>\n" % (c.name, c.value))
    out.write("</table>\n")
