# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hookctl_global_optspecs
    string join \n o/output= color= v/verbose q/quiet option-case= h/help V/version
end

function __fish_hookctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hookctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hookctl_using_subcommand
    set -l cmd (__fish_hookctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hookctl -n "__fish_hookctl_needs_command" -s o -l output -d 'Output format: coloured text for people, or JSON on stdout for machines' -r -f -a "text\t'Coloured, tabled text for people'
json\t'One JSON document on stdout, for machines'"
complete -c hookctl -n "__fish_hookctl_needs_command" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_needs_command" -l option-case -d '`--option-case` before the command, as hookctl once took it; the command\'s own wins' -r -f -a "exact\t''
insensitive\t''"
complete -c hookctl -n "__fish_hookctl_needs_command" -s v -l verbose -d 'Say more: the request and the answer in full (headers, bodies) and timings'
complete -c hookctl -n "__fish_hookctl_needs_command" -s q -l quiet -d 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
complete -c hookctl -n "__fish_hookctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_needs_command" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "list" -d 'List the built-in events'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "show" -d 'Print an event\'s fixture as it would be sent'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "schema" -d 'Print the JSON Schema of a document kind'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "validate" -d 'Validate payload or response files against the platforms\' contracts'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "send" -d 'Deliver an event to a webhook as the platform does, and judge the answer'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "scenario" -d 'Deliver a story of events (a handoff\'s life cycle) sharing one handoff, user and agent'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "listen" -d 'Receive webhooks: show, validate and capture what a platform sends, and answer it'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "replay" -d 'Re-send requests captured by `listen --save`, exact bytes, in order (or edited)'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "export" -d 'Turn a capture of `listen --save` into curl commands or a HAR file'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "test" -d 'Run contract suites (TOML) against the webhooks of a deployment, for CI'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "init" -d 'Write a commented starter suite: a case for every built-in event, a target per webhook'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "man" -d 'Print the manual page (roff), of hookctl or of one command'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookctl -n "__fish_hookctl_using_subcommand list" -s o -l output -d 'Output format: coloured text for people, or JSON on stdout for machines' -r -f -a "text\t'Coloured, tabled text for people'
json\t'One JSON document on stdout, for machines'"
complete -c hookctl -n "__fish_hookctl_using_subcommand list" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -l set -d 'Override a field: a dotted path or JSON pointer; the value is JSON if it parses, else text. `${NAME}` is not expanded here (your shell does that); `$${` is a literal `${`' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -l seed -d 'Fixed identifiers (and the fixtures\' timestamps) for reproducible bodies' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -l text -d 'eva: the user\'s text' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -l expected-options -d 'eva service cell: the options it offers (comma-separated)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -l answer -d 'eva transactional answer: the answer\'s content before the webhook rewrites it' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -l answer-type -d 'eva transactional answer: the answer\'s type (TEXT, CAROUSEL, ...)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -l response -d 'Show the example of a valid answer from the webhook instead (eva events)'
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -l pretty -d 'Pretty-print even when piped (default: pretty on a terminal, the wire\'s compact form when piped)'
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -l compact -d 'Print the exact compact bytes sent on the wire, even on a terminal'
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_using_subcommand schema" -l report -d 'Print the JSON Schema of one of hookctl\'s own JSON reports (what `-o json` prints) instead; without a name, list the names' -r -f -a "list\t'`list -o json`'
validate\t'`validate -o json`'
send\t'`send -o json` (and `send --dry-run -o json`)'
load\t'`send --count/--duration -o json`'
scenario\t'`scenario NAME -o json` (and the list of scenarios, `scenario -o json`)'
listen-line\t'Each line of `listen -o json`'
replay\t'`replay -o json`'
test\t'`test -o json`'"
complete -c hookctl -n "__fish_hookctl_using_subcommand schema" -l server -d 'The OpenAPI document with your receiver\'s base URL as its `servers` entry (default: where `hookctl listen` listens, http://127.0.0.1:8080)' -r -f
complete -c hookctl -n "__fish_hookctl_using_subcommand schema" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand schema" -l openapi -d 'Print an OpenAPI 3.1 document instead: every built-in event as a webhook, with its schema, its example and what the platform reads of the answer'
complete -c hookctl -n "__fish_hookctl_using_subcommand schema" -l paths -d 'The OpenAPI document with each webhook also as an operation of your receiver (POST /botpress/events, /eva/service, /eva/answer), for tools that read only `paths` (Prism, Schemathesis)'
complete -c hookctl -n "__fish_hookctl_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_using_subcommand validate" -l kind -d 'The kind of every document, instead of detecting it from its shape' -r -f -a "botpress-event\t'A Botpress HITL Next events-webhook body (handoff or agent)'
eva-answer-request\t'The body eva posts for a transactional answer'
eva-answer-response\t'The webhook\'s answer to a transactional-answer request'
eva-service-request\t'The body eva posts for a service cell'
eva-service-response\t'The webhook\'s answer to a service-cell request'"
complete -c hookctl -n "__fish_hookctl_using_subcommand validate" -l request -d 'The eva request the responses answer: enables the option check and context comparisons' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand validate" -l expected-options -d 'The options a service cell offered (comma-separated), for the option check' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand validate" -l max-size -d 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand validate" -l option-case -d 'How an eva service cell\'s option is matched against expectedOptions. eva does not document it: exact by default' -r -f -a "exact\t''
insensitive\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand validate" -s o -l output -d 'Output format: coloured text for people, or JSON on stdout for machines' -r -f -a "text\t'Coloured, tabled text for people'
json\t'One JSON document on stdout, for machines'"
complete -c hookctl -n "__fish_hookctl_using_subcommand validate" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand validate" -l strict -d 'Stop at the first line of a capture that is not a record (exit 2): nothing after it is read. Without it, each such line is reported (FILE:LINE) and the rest judged'
complete -c hookctl -n "__fish_hookctl_using_subcommand validate" -s v -l verbose -d 'Say more: the request and the answer in full (headers, bodies) and timings'
complete -c hookctl -n "__fish_hookctl_using_subcommand validate" -s q -l quiet -d 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
complete -c hookctl -n "__fish_hookctl_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l data -d 'Send your own JSON body instead of a fixture (`-` for standard input); the URL may follow (`hookctl send --data body.json localhost:3000/hook`), but no EVENT' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l kind -d 'The kind of the --data body, instead of detecting it' -r -f -a "botpress-event\t'A Botpress HITL Next events-webhook body (handoff or agent)'
eva-answer-request\t'The body eva posts for a transactional answer'
eva-answer-response\t'The webhook\'s answer to a transactional-answer request'
eva-service-request\t'The body eva posts for a service cell'
eva-service-response\t'The webhook\'s answer to a service-cell request'"
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l set -d 'Override a field: a dotted path or JSON pointer; the value is JSON if it parses, else text. `${NAME}` is not expanded here (your shell does that); `$${` is a literal `${`' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l seed -d 'Fixed identifiers (and the fixtures\' timestamps) for reproducible bodies' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l text -d 'eva: the user\'s text' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l expected-options -d 'eva service cell: the options it offers (comma-separated)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l answer -d 'eva transactional answer: the answer\'s content before the webhook rewrites it' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l answer-type -d 'eva transactional answer: the answer\'s type (TEXT, CAROUSEL, ...)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l expect-status -d 'Expect this HTTP status instead of any 2xx' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l expect-option -d 'eva service cell: expect the answer to choose this option' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l count -d 'Load mode: send this many events, each with fresh ids and delivered once, and summarise; Ctrl-C stops early with the summary so far (exit 130)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l duration -d 'Load mode: keep sending for this many seconds, or a duration with its unit (10s, 5m); more than 0 s, at most 86400 s, a day' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -s c -l concurrency -d 'Load mode: requests in flight at once (1 to 1024)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l max-errors -d 'Load mode: stop after this many transport errors (refused, timeouts...); 0 never stops' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l print -d 'Print the request as a command instead of sending it (`curl`: one shell-quoted curl command line; secret header values redacted unless --show-secrets; `k6`: a k6 script that sends it as load mode does, secret values read from the environment)' -r -f -a "curl\t'One curl command line, shell-quoted'
k6\t'A k6 script that sends the event as load mode does (fresh ids each request), with checks'"
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l max-size -d 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l url -d 'The webhook URL. Without one, --botpress-config\'s url, else HOOKCTL_URL; without any, hookctl delivers to its own built-in receiver' -r -f
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l botpress-config -d 'Aim with the Botpress `hitlnext.json` you give Botpress: its eventsWebHook url and headers' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -s H -l header -d 'Add a header, `Name: value` (repeatable); it wins over the platform\'s and the config\'s' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l timeout -d 'Give up on an answer after this many seconds, or a duration with its unit (500ms, 10s); more than 0 s, at most 86400 s, a day (Botpress itself waits forever)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l retry -d 'Re-send on failure: `botpress` follows Botpress\'s schedule (10 attempts, 100 ms doubling)' -r -f -a "none\t'One attempt'
botpress\t'Botpress\'s schedule: 10 attempts in all: the first at once, then 9 retries after waits of 100 ms doubling to 25.6 s (about 51 s in all), no jitter'"
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l retry-scale -d 'Scale the retry waits (0.01 runs Botpress\'s 51 s of waits in 0.5 s)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l max-response -d 'Read at most this much of an answer, a longer one failing the contract: bytes, or with a unit (64KiB, 1MB)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l option-case -d 'How an eva service cell\'s option is matched against expectedOptions. eva does not document it: exact by default' -r -f -a "exact\t''
insensitive\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -s o -l output -d 'Output format: coloured text for people, or JSON on stdout for machines' -r -f -a "text\t'Coloured, tabled text for people'
json\t'One JSON document on stdout, for machines'"
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l once -d 'Deliver once an event that Botpress delivers twice (handoff-tags)'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l dry-run -d 'Print the request as it would go (method, url, headers, body) and send nothing'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l show-secrets -d 'Print secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL\'s password and secret query values'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -s v -l verbose -d 'Say more: the request and the answer in full (headers, bodies) and timings'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -s q -l quiet -d 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l seed -d 'Fixed identifiers and order' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l print -d 'Print the scenario as a script instead of sending it (`k6`: a k6 script whose iterations send the steps in order with fresh ids; secret header values read from the environment unless --show-secrets)' -r -f -a "curl\t'One curl command line, shell-quoted'
k6\t'A k6 script that sends the event as load mode does (fresh ids each request), with checks'"
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l url -d 'The webhook URL. Without one, --botpress-config\'s url, else HOOKCTL_URL; without any, hookctl delivers to its own built-in receiver' -r -f
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l botpress-config -d 'Aim with the Botpress `hitlnext.json` you give Botpress: its eventsWebHook url and headers' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -s H -l header -d 'Add a header, `Name: value` (repeatable); it wins over the platform\'s and the config\'s' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l timeout -d 'Give up on an answer after this many seconds, or a duration with its unit (500ms, 10s); more than 0 s, at most 86400 s, a day (Botpress itself waits forever)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l retry -d 'Re-send on failure: `botpress` follows Botpress\'s schedule (10 attempts, 100 ms doubling)' -r -f -a "none\t'One attempt'
botpress\t'Botpress\'s schedule: 10 attempts in all: the first at once, then 9 retries after waits of 100 ms doubling to 25.6 s (about 51 s in all), no jitter'"
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l retry-scale -d 'Scale the retry waits (0.01 runs Botpress\'s 51 s of waits in 0.5 s)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l max-response -d 'Read at most this much of an answer, a longer one failing the contract: bytes, or with a unit (64KiB, 1MB)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l option-case -d 'How an eva service cell\'s option is matched against expectedOptions. eva does not document it: exact by default' -r -f -a "exact\t''
insensitive\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -s o -l output -d 'Output format: coloured text for people, or JSON on stdout for machines' -r -f -a "text\t'Coloured, tabled text for people'
json\t'One JSON document on stdout, for machines'"
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l duplicate -d 'Deliver every event twice in a row: receivers must be idempotent'
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l shuffle -d 'Deliver the steps out of order (reproducible with --seed)'
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -l show-secrets -d 'Print secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL\'s password and secret query values'
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -s v -l verbose -d 'Say more: the request and the answer in full (headers, bodies) and timings'
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -s q -l quiet -d 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -s p -l port -d 'The port to listen on (0 picks a free one)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l bind -d 'The address to bind. Loopback unless you say otherwise' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l status -d 'Answer every request with this status (to watch Botpress retry): a final status, 200 to 599' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l fail-first -d 'Fail the first N deliveries of each distinct body with 503, then accept' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l respond -d 'Answer with this JSON file instead of the reference answer' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l respond-option -d 'As an eva webhook mock: the option service cells get (default: the first expected one)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l forward-to -d 'Relay every request (exact bytes and headers) to your server, and answer with its answer: the request\'s path and query go after the URL\'s (`--forward-to localhost:3000/api`, a request to /eva/service?x=1 goes to http://localhost:3000/api/eva/service?x=1; one to /, to the URL itself). Refused when it is this listener itself; a request that comes back is answered 508' -r -f
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l filter -d 'Show (and save) only the requests of this kind (as `hookctl validate --kind` names them, or `unknown`) or to this path: exact, or every path that begins so when it ends in / or * (/eva/, /hook*); the query is not looked at. Repeatable, or comma-separated. The others are answered (and forwarded) all the same; the summary counts them' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l save -d 'Append every request to this file, one JSON line each, before answering it' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l require-header -d 'Answer 401 to a request without this header (repeatable): `NAME=VALUE` wants that exact value, `NAME` alone any value. As the platform\'s configured headers would be checked' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l max-body -d 'Answer larger bodies with 413: bytes, or with a unit (64KiB, 1MB)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l max-response -d 'With --forward-to: read at most this much of your server\'s answer, bytes or with a unit (64KiB, 1MB); a longer one is answered 502 (the client is told the limit), not relayed' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l body-timeout -l read-timeout -d 'Answer 408 and close the connection when a request\'s body (after its headers) takes longer than this to arrive, as from a client that stopped short of its Content-Length. Default: --header-timeout\'s value' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l header-timeout -d 'Close a connection whose request headers take longer than this (from their first byte, or from when the connection opened), with no answer' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l idle-timeout -d 'Close a kept-alive connection that sends no new request for this long after an answer (sooner when --max-connections is reached and a new client waits: the connection idle longest is closed for it)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l max-connections -d 'Keep at most this many connections open. When a new client comes and all are taken, the kept-alive connection idle longest is closed for it; with none idle, it waits until one closes. A connection with a request under way is never closed for another' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l grace -d 'On Ctrl-C (or SIGTERM, or --exit-after), stop accepting and give requests in flight this long to finish; what is left is dropped unanswered (a second Ctrl-C drops it at once)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l exit-after -d 'Stop after this many requests (default: run until Ctrl-C). Requests are counted as they arrive (those --filter leaves out too): exactly N are taken, however many come at once; any more are answered 503 with `Connection: close` and not recorded' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l option-case -d 'How an eva service cell\'s option is matched against expectedOptions. eva does not document it: exact by default' -r -f -a "exact\t''
insensitive\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -s o -l output -d 'Output format: coloured text for people, or JSON on stdout for machines' -r -f -a "text\t'Coloured, tabled text for people'
json\t'One JSON document on stdout, for machines'"
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l forward-exact -d 'With --forward-to: relay every request to the URL exactly as given, whatever its path and query'
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l keep-secrets -d 'Keep secrets in output and captures: header values (authorization, cookies, keys, tokens, signatures) and secret query values'
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -s v -l verbose -d 'Say more: the request and the answer in full (headers, bodies) and timings'
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -s q -l quiet -d 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l filter -d 'Only these requests: kinds and/or 1-based indices, comma-separated (`eva-service-request,3,5`)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l set -d 'Override a field of each body re-sent, as `send --set` does (repeatable): a dotted path or JSON pointer; the value is JSON if it parses, else text. The body is then sent compact' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l data -d 'Send this JSON body (`-` for standard input) instead of the captured one, with the captured headers; one request only (pick it with --filter)' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l print -d 'Print the requests (edits applied) as commands instead of sending them (`curl`: one shell-quoted curl command line each; secret header values redacted unless --show-secrets)' -r -f -a "curl\t'One curl command line, shell-quoted'
k6\t'A k6 script that sends the event as load mode does (fresh ids each request), with checks'"
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l max-size -d 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l url -d 'The webhook URL. Without one, --botpress-config\'s url, else HOOKCTL_URL; without any, hookctl delivers to its own built-in receiver' -r -f
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l botpress-config -d 'Aim with the Botpress `hitlnext.json` you give Botpress: its eventsWebHook url and headers' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -s H -l header -d 'Add a header, `Name: value` (repeatable); it wins over the platform\'s and the config\'s' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l timeout -d 'Give up on an answer after this many seconds, or a duration with its unit (500ms, 10s); more than 0 s, at most 86400 s, a day (Botpress itself waits forever)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l retry -d 'Re-send on failure: `botpress` follows Botpress\'s schedule (10 attempts, 100 ms doubling)' -r -f -a "none\t'One attempt'
botpress\t'Botpress\'s schedule: 10 attempts in all: the first at once, then 9 retries after waits of 100 ms doubling to 25.6 s (about 51 s in all), no jitter'"
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l retry-scale -d 'Scale the retry waits (0.01 runs Botpress\'s 51 s of waits in 0.5 s)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l max-response -d 'Read at most this much of an answer, a longer one failing the contract: bytes, or with a unit (64KiB, 1MB)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l option-case -d 'How an eva service cell\'s option is matched against expectedOptions. eva does not document it: exact by default' -r -f -a "exact\t''
insensitive\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -s o -l output -d 'Output format: coloured text for people, or JSON on stdout for machines' -r -f -a "text\t'Coloured, tabled text for people'
json\t'One JSON document on stdout, for machines'"
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l strict -d 'Stop at the first line of the capture that is not a record, sending nothing (exit 2). Without it, each such line is named (FILE:LINE) and the rest replayed; the exit code is then 2'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l show-secrets -d 'Print secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL\'s password and secret query values'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -s v -l verbose -d 'Say more: the request and the answer in full (headers, bodies) and timings'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -s q -l quiet -d 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_using_subcommand export" -l format -d 'What to write: `curl` commands (a shell script), or a `har` 1.2 file (browsers\' devtools, Postman)' -r -f -a "curl\t'A curl command per request: a shell script'
har\t'A HAR 1.2 log, as browsers\' devtools and Postman import'"
complete -c hookctl -n "__fish_hookctl_using_subcommand export" -l out -d 'Write to this file instead of standard output (`-o` is the report format of the other commands)' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand export" -l url -d 'The url every request goes to, instead of the one it came to (its Host header and path)' -r -f
complete -c hookctl -n "__fish_hookctl_using_subcommand export" -l filter -d 'Only these requests: kinds and/or 1-based indices, comma-separated (`eva-service-request,3,5`)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand export" -l max-size -d 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand export" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand export" -l show-secrets -d 'Write secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL\'s password and secret query values (as far as the capture kept them)'
complete -c hookctl -n "__fish_hookctl_using_subcommand export" -l strict -d 'Stop at the first line of the capture that is not a record, writing nothing (exit 2). Without it, each such line is named (FILE:LINE) and the rest exported; the exit code is then 2'
complete -c hookctl -n "__fish_hookctl_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -l url -d 'Send every case of a suite with one target here, whatever it and HOOKCTL_URL say; a suite with several targets refuses it (use --target). Without it, HOOKCTL_URL does the same' -r -f
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -l target -d 'Set the url of the suites\' target NAME (botpress, eva-service, eva-answer, default, or a name of the suite\'s own), over the suite\'s. Repeatable' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -s j -l jobs -d 'Cases run at once' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -l filter -d 'Run only the cases whose name contains this' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -l junit -d 'Also write a JUnit XML report here, for CI systems' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -l option-case -d 'How an eva service cell\'s option is matched against expectedOptions. eva does not document it: exact by default' -r -f -a "exact\t''
insensitive\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -s o -l output -d 'Output format: coloured text for people, or JSON on stdout for machines' -r -f -a "text\t'Coloured, tabled text for people'
json\t'One JSON document on stdout, for machines'"
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -l builtin -d 'Run cases that have no url against hookctl\'s built-in receiver even in CI (the CI variable set), on purpose'
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -l deny-warnings -d 'Fail a case on any contract warning (a hidden value shown, a context dropped), as deny_warnings = true in a suite does'
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -l show-secrets -d 'Print secrets as they are: header values, the URL\'s password and secret query values, and values the suites took from the environment'
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -l init -d 'Write a starter suite (to the SUITE path, or hookctl.toml) instead of running'
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -l force -d 'With --init: overwrite an existing file'
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -s v -l verbose -d 'Say more: the request and the answer in full (headers, bodies) and timings'
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -s q -l quiet -d 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
complete -c hookctl -n "__fish_hookctl_using_subcommand test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_using_subcommand init" -l from -d 'Make the suite from a capture of `listen --save`: a case per distinct request, its body in a payload directory beside the suite, a target per path the requests came to' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand init" -l platform -d 'Write only this platform\'s cases and targets' -r -f -a "botpress\t''
eva\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand init" -l max-size -d 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand init" -l color -d 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand init" -l force -d 'Overwrite an existing file (and, with --from, the payload files)'
complete -c hookctl -n "__fish_hookctl_using_subcommand init" -l strict -d 'With --from: stop at the first line of the capture that is not a record, writing nothing (exit 2). Without it, each such line is named (FILE:LINE) and the suite made of the rest; the exit code is then 2'
complete -c hookctl -n "__fish_hookctl_using_subcommand init" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "list" -d 'List the built-in events'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "show" -d 'Print an event\'s fixture as it would be sent'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "schema" -d 'Print the JSON Schema of a document kind'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "validate" -d 'Validate payload or response files against the platforms\' contracts'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "send" -d 'Deliver an event to a webhook as the platform does, and judge the answer'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "scenario" -d 'Deliver a story of events (a handoff\'s life cycle) sharing one handoff, user and agent'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "listen" -d 'Receive webhooks: show, validate and capture what a platform sends, and answer it'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "replay" -d 'Re-send requests captured by `listen --save`, exact bytes, in order (or edited)'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "export" -d 'Turn a capture of `listen --save` into curl commands or a HAR file'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "test" -d 'Run contract suites (TOML) against the webhooks of a deployment, for CI'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "init" -d 'Write a commented starter suite: a case for every built-in event, a target per webhook'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "man" -d 'Print the manual page (roff), of hookctl or of one command'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from list show schema validate send scenario listen replay export test init completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookctl -n "__fish_hookctl_using_subcommand show" -f -a "handoff-create\t'the bot hands a user over to a human: a pending handoff'
handoff-assign\t'an agent takes the handoff (assigned, agent thread opened)'
handoff-resolve\t'the agent closes the handoff as resolved'
handoff-reject\t'an agent rejects a pending handoff'
handoff-expire\t'nobody took the handoff within the timeout: expired'
handoff-tags\t'the agent edits the handoff\'s tags (Botpress sends this twice)'
handoff-comment\t'the agent adds a note to the handoff'
agent-online\t'an agent switches to online'
agent-offline\t'an agent switches to offline'
eva-answer\t'eva asks the webhook to rewrite a transactional answer'
eva-service\t'eva asks the webhook which option a service cell takes'"
complete -c hookctl -n "__fish_hookctl_using_subcommand schema" -f -a "botpress-event\t'A Botpress HITL Next events-webhook body (handoff or agent)'
eva-answer-request\t'The body eva posts for a transactional answer'
eva-answer-response\t'The webhook\'s answer to a transactional-answer request'
eva-service-request\t'The body eva posts for a service cell'
eva-service-response\t'The webhook\'s answer to a service-cell request'"
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -f -a "handoff-create\t'the bot hands a user over to a human: a pending handoff'
handoff-assign\t'an agent takes the handoff (assigned, agent thread opened)'
handoff-resolve\t'the agent closes the handoff as resolved'
handoff-reject\t'an agent rejects a pending handoff'
handoff-expire\t'nobody took the handoff within the timeout: expired'
handoff-tags\t'the agent edits the handoff\'s tags (Botpress sends this twice)'
handoff-comment\t'the agent adds a note to the handoff'
agent-online\t'an agent switches to online'
agent-offline\t'an agent switches to offline'
eva-answer\t'eva asks the webhook to rewrite a transactional answer'
eva-service\t'eva asks the webhook which option a service cell takes'"
complete -c hookctl -n "__fish_hookctl_using_subcommand scenario" -f -a "handoff-lifecycle\t'agent online, handoff created, assigned, resolved'
handoff-lifecycle-reject\t'agent online, handoff created, rejected'
handoff-lifecycle-expire\t'handoff created, nobody takes it, expired'
handoff-full\t'online, create, assign, tags, note, resolve, offline'"
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -f -a "bash\t''
elvish\t''
fish\t''
powershell\t''
zsh\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -f -a "list\t''
show\t''
schema\t''
validate\t''
send\t''
scenario\t''
listen\t''
replay\t''
export\t''
test\t''
init\t''
completions\t''
man\t''"
