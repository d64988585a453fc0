#!/usr/bin/env bash
# Sets up the demo shop on a running inappd: an app, a client key and the
# campaigns of campaigns.json; then prints the URL that opens the shop
# connected to it. Needs curl (7.75+, for --aws-sigv4) and jq.
#
#   INAPPD_URL      the server (default http://localhost:8080)
#   INAPPD_ROOT_ACCESS_KEY_ID, INAPPD_ROOT_SECRET_ACCESS_KEY   its root key
#   DEMO_ORIGIN     where the repository is served (default http://localhost:8000)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
url="${INAPPD_URL:-http://localhost:8080}"
origin="${DEMO_ORIGIN:-http://localhost:8000}"
: "${INAPPD_ROOT_ACCESS_KEY_ID:?set the root key (INAPPD_ROOT_ACCESS_KEY_ID and INAPPD_ROOT_SECRET_ACCESS_KEY)}"
: "${INAPPD_ROOT_SECRET_ACCESS_KEY:?set the root key secret}"

call() { # method path [json]
  curl -fsS --aws-sigv4 "aws:amz:us-east-1:mobiletargeting" \
    --user "$INAPPD_ROOT_ACCESS_KEY_ID:$INAPPD_ROOT_SECRET_ACCESS_KEY" \
    -H 'content-type: application/json' -X "$1" ${3:+-d "$3"} "$url$2"
}

app=$(call POST /v1/apps '{"Name":"acme-demo-shop"}' | jq -r .Id)
echo "app: $app"
key=$(call POST "/inappd/v1/apps/$app/keys" '{"Description":"demo shop (browser)"}')
key_id=$(jq -r .AccessKeyId <<<"$key")
secret=$(jq -r .SecretAccessKey <<<"$key")
echo "client key: $key_id"
jq -c '.[]' "$here/campaigns.json" | while read -r c; do
  call POST "/v1/apps/$app/campaigns" "$c" | jq -r '"campaign \(.Name): \(.Id)"'
done

q=$(jq -rn --arg e "$url" --arg a "$app" --arg k "$key_id" --arg s "$secret" \
  '"endpoint=\($e|@uri)&appId=\($a|@uri)&keyId=\($k|@uri)&secret=\($s|@uri)"')
echo
echo "Open the shop: $origin/examples/web/?$q"
