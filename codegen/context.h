/*
 * context.h - the JSON the generator templates see (`unravel gen ...
 * --dump-context` prints it). All decisions are made here, in C: creation
 * order, what each constructor parameter gets, which edges go through the
 * event bus, the evidence comments; templates only loop and substitute.
 *
 * Factory context (both languages):
 *   tool, version, command, lang, break_cycles, uses_bus, bus_module,
 *   host: {class, module, file, line} | null,
 *   creation_order: [name...],
 *   managers: [{index, name, ident, class, module, import_module, file, line,
 *     attr, bind, layer, call, ctor, dtor, init_style, alloc_type, free_after,
 *     args: [{param, pass: host|manager|publisher|config|omitted|null,
 *             value, manager, text, last}],
 *     needs: [{name, class, kind, file, line, how, evidence}],  creation-time
 *     uses: [...same...],                                        run-time
 *     routed_needs: [...same, plus event...],
 *     subscribers: [{event, subscriber, from}],  adapters to attach once made
 *     blocks: [name...], blocks_text, first, last}],
 *   imports: [{module, names}] (Python), includes: [{path}] (C),
 *   routed: [edge...] (see events below), cut: [{from, to, kind, file, line}].
 *
 * Event-bus context: the same header keys, plus
 *   events: [{index, id, const, type, class, publisher, subscriber, prefix,
 *     from: {name, class, ...}, to: {...}, kind, file, line, how, routed,
 *     methods: [{name, signature, params: [...], call, payload fields}],
 *     call_sites: [{file, line, col, text}], has_methods, has_call_sites}].
 *
 * Ownership rule: the returned json_t belongs to the caller (json_decref).
 */
#ifndef UNRAVEL_CONTEXT_H
#define UNRAVEL_CONTEXT_H

#include <jansson.h>

#include "generator.h"

/*
 * Build the factory context for rq->mg. Returns NULL after printing why on
 * stderr, with *status = EXIT_FOUND (a creation-time cycle and no
 * --break-cycles) or EXIT_FATAL (a constructor parameter nothing can give,
 * or a manager that cannot be imported or constructed).
 */
json_t *factory_context(const struct gen_request *rq, int *status);

/* Build the event-bus context: one event per cut edge. NULL and *status as above. */
json_t *eventbus_context(const struct gen_request *rq, int *status);

/*
 * Whether constructor parameter p takes the host object: its name is one of
 * the host names (algorithm, algo, host, app, application, owner, parent,
 * ctx, context, or the list in [unravel:factory] host_params), its
 * annotation names host_class, or (C) its type is `void *`.
 */
int context_is_host_param(const struct config *cfg, const struct fact_param *p,
			  const char *host_class, enum lang lang);

#endif
