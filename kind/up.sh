#!/usr/bin/env bash
# One command from nothing to the whole pipeline on a local kind cluster:
#   kind cluster (1 control plane, 2 workers) + local registry
#   Knative Serving + Kourier (magic DNS 127.0.0.1.sslip.io), Knative Eventing + Kafka source/sink
#   Strimzi + single-node KRaft Kafka + topics documents, documents-dlq
#   Weaviate, MinIO, Redis + serverless-redis-http
#   OpenTelemetry Collector, Tempo, Prometheus, Loki, Grafana (http://127.0.0.1:3000)
#   the four functions, built from this repo and pinned by digest
# Idempotent: run it again after a change; it converges instead of failing on what exists.
# Versions: kind/versions.env. OPENAI_API_KEY, if set in the environment, goes into a Secret
# (never a file); without it the functions keep their offline defaults.
#
# Usage: kind/up.sh            everything
#        SKIP_BUILD=1 kind/up.sh  reuse the images already in the registry (tag :dev)
set -euo pipefail
# shellcheck source=kind/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVING_URL="https://github.com/knative/serving/releases/download/${KNATIVE_SERVING_VERSION}"
KOURIER_URL="https://github.com/knative-extensions/net-kourier/releases/download/${KNATIVE_KOURIER_VERSION}"
EVENTING_URL="https://github.com/knative/eventing/releases/download/${KNATIVE_EVENTING_VERSION}"
KAFKA_URL="https://github.com/knative-extensions/eventing-kafka-broker/releases/download/${KNATIVE_KAFKA_VERSION}"
STRIMZI_URL="https://github.com/strimzi/strimzi-kafka-operator/releases/download/${STRIMZI_VERSION}/strimzi-cluster-operator-${STRIMZI_VERSION}.yaml"

# ---------------------------------------------------------------------------------------------
step "Checking prerequisites"
require docker kind kubectl curl git
docker info >/dev/null 2>&1 || die "docker is not running"
kind_version="$(kind version | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -1)"
[ "${kind_version}" = "${KIND_VERSION}" ] || warn "kind ${kind_version} found; this setup is pinned to ${KIND_VERSION}"
info "docker, kind ${kind_version}, kubectl $(kubectl version --client -o json 2>/dev/null | grep -oE '"gitVersion": *"[^"]+"' | head -1 | cut -d'"' -f4)"

# ---------------------------------------------------------------------------------------------
step "Local registry ${REGISTRY_NAME} on 127.0.0.1:${REGISTRY_PORT}"
if [ "$(docker inspect -f '{{.State.Running}}' "${REGISTRY_NAME}" 2>/dev/null || true)" != "true" ]; then
  docker rm -f "${REGISTRY_NAME}" >/dev/null 2>&1 || true
  docker run -d --restart=always -p "127.0.0.1:${REGISTRY_PORT}:5000" --network bridge \
    --name "${REGISTRY_NAME}" "${REGISTRY_IMAGE}" >/dev/null
  info "started ${REGISTRY_IMAGE}"
else
  info "already running"
fi

# ---------------------------------------------------------------------------------------------
step "kind cluster ${CLUSTER_NAME}"
if kind get clusters 2>/dev/null | grep -qx "${CLUSTER_NAME}"; then
  info "already exists"
else
  kind create cluster --name "${CLUSTER_NAME}" --config "${KIND_DIR}/cluster.yaml" --wait 120s
fi
kc wait node --all --for=condition=Ready --timeout=180s

# Let every node pull localhost:5001/... from the registry container (kind's documented flow).
for node in $(kind get nodes --name "${CLUSTER_NAME}"); do
  docker exec "${node}" mkdir -p "/etc/containerd/certs.d/localhost:${REGISTRY_PORT}"
  printf '[host."http://%s:5000"]\n' "${REGISTRY_NAME}" |
    docker exec -i "${node}" cp /dev/stdin "/etc/containerd/certs.d/localhost:${REGISTRY_PORT}/hosts.toml"
done
if [ "$(docker inspect -f '{{json .NetworkSettings.Networks.kind}}' "${REGISTRY_NAME}")" = "null" ]; then
  docker network connect kind "${REGISTRY_NAME}"
fi
kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "localhost:${REGISTRY_PORT}"
    help: "https://kind.sigs.k8s.io/docs/user/local-registry/"
YAML
info "registry wired into $(kind get nodes --name "${CLUSTER_NAME}" | wc -l | tr -d ' ') nodes"

# ---------------------------------------------------------------------------------------------
step "Knative Serving ${KNATIVE_SERVING_VERSION} + Kourier ${KNATIVE_KOURIER_VERSION}"
apply_url "${SERVING_URL}/serving-crds.yaml"
kc wait crd --for=condition=Established --timeout=120s -l knative.dev/crd-install=true
apply_url "${SERVING_URL}/serving-core.yaml"
apply_url "${KOURIER_URL}/kourier.yaml"
wait_deployments knative-serving
wait_deployments kourier-system
# Kourier on the NodePort that kind publishes as 127.0.0.1:80.
kc -n kourier-system patch service kourier --type merge -p \
  '{"spec":{"type":"NodePort","ports":[{"name":"http2","port":80,"protocol":"TCP","targetPort":8080,"nodePort":31080}]}}' >/dev/null
info "Kourier on NodePort 31080 (host 127.0.0.1:80)"

# ---------------------------------------------------------------------------------------------
step "Knative Eventing ${KNATIVE_EVENTING_VERSION} + Kafka source and sink ${KNATIVE_KAFKA_VERSION}"
apply_url "${EVENTING_URL}/eventing-crds.yaml"
kc wait crd --for=condition=Established --timeout=120s -l knative.dev/crd-install=true
apply_url "${EVENTING_URL}/eventing-core.yaml"
wait_deployments knative-eventing
apply_url "${KAFKA_URL}/eventing-kafka-controller.yaml"
apply_url "${KAFKA_URL}/eventing-kafka-source.yaml"
apply_url "${KAFKA_URL}/eventing-kafka-sink.yaml"
wait_deployments knative-eventing 600

# ---------------------------------------------------------------------------------------------
step "Knative configuration (knative/system: observability, features, network, domain)"
# Server-side apply with our own field manager: only the keys in our files change; everything
# else Knative installed stays. Components pick most keys up live; observability settings are
# read at start, so restart the components when (and only when) something changed.
before="$(kc -n knative-serving get cm config-observability -o jsonpath='{.metadata.resourceVersion}'),$(kc -n knative-eventing get cm config-observability -o jsonpath='{.metadata.resourceVersion}')"
kc apply --server-side --force-conflicts --field-manager=knative-rag -f "${REPO_ROOT}/knative/system/" >/dev/null
after="$(kc -n knative-serving get cm config-observability -o jsonpath='{.metadata.resourceVersion}'),$(kc -n knative-eventing get cm config-observability -o jsonpath='{.metadata.resourceVersion}')"
if [ "${before}" != "${after}" ]; then
  info "observability settings changed: restarting Knative components"
  kc -n knative-serving rollout restart deployment >/dev/null
  kc -n knative-eventing rollout restart deployment >/dev/null
  wait_deployments knative-serving
  wait_deployments knative-eventing 600
else
  info "unchanged"
fi

# ---------------------------------------------------------------------------------------------
step "Strimzi ${STRIMZI_VERSION} + Kafka ${KAFKA_VERSION} (KRaft, single node)"
kc apply -f "${KIND_DIR}/infra/namespaces.yaml" >/dev/null
# The release bundle targets namespace "myproject"; point it at "kafka".
curl -fsSL "${STRIMZI_URL}" | sed 's/namespace: myproject/namespace: kafka/' |
  kc apply --server-side --force-conflicts -n kafka -f - >/dev/null
wait_deployments kafka 300
kc apply -f "${KIND_DIR}/infra/kafka.yaml" >/dev/null
info "waiting for Kafka rag-kafka (first start pulls images: several minutes)"
kc -n kafka wait kafka/rag-kafka --for=condition=Ready --timeout=900s
kc -n kafka wait kafkatopic/documents kafkatopic/documents-dlq --for=condition=Ready --timeout=300s

# ---------------------------------------------------------------------------------------------
step "Backing services in rag-data: Weaviate, MinIO, Redis + serverless-redis-http"
# Credentials are generated once, kept in the cluster only, and reused on every run.
if ! kc -n rag-data get secret minio-root >/dev/null 2>&1; then
  kc -n rag-data create secret generic minio-root \
    --from-literal=MINIO_ROOT_USER="rag-$(random_secret | head -c 8)" \
    --from-literal=MINIO_ROOT_PASSWORD="$(random_secret)" >/dev/null
  info "generated MinIO credentials"
fi
if ! kc -n rag-data get secret redis-http >/dev/null 2>&1; then
  kc -n rag-data create secret generic redis-http --from-literal=SRH_TOKEN="$(random_secret)" >/dev/null
  info "generated the Redis REST token"
fi
kc apply -f "${KIND_DIR}/infra/weaviate.yaml" -f "${KIND_DIR}/infra/redis.yaml" >/dev/null
# A Job's template is immutable: replace the bucket job rather than patching it.
kc -n rag-data delete job minio-create-bucket --ignore-not-found >/dev/null
kc apply -f "${KIND_DIR}/infra/minio.yaml" >/dev/null
kc -n rag-data rollout status statefulset/weaviate --timeout=300s
kc -n rag-data rollout status statefulset/minio --timeout=300s
kc -n rag-data rollout status deployment/redis --timeout=300s
kc -n rag-data rollout status deployment/redis-http --timeout=300s
kc -n rag-data wait job/minio-create-bucket --for=condition=Complete --timeout=300s

# ---------------------------------------------------------------------------------------------
step "Monitoring: OpenTelemetry Collector, Tempo, Prometheus, Loki, Grafana"
kc apply -k "${REPO_ROOT}/monitoring" >/dev/null
kc -n observability rollout status daemonset/otel-collector --timeout=300s
for name in tempo loki prometheus; do kc -n observability rollout status "statefulset/${name}" --timeout=300s; done
kc -n observability rollout status deployment/grafana --timeout=300s

# ---------------------------------------------------------------------------------------------
step "knative-rag: configuration and secrets"
kc apply -f "${REPO_ROOT}/knative/namespace.yaml" >/dev/null
minio_user="$(kc -n rag-data get secret minio-root -o jsonpath='{.data.MINIO_ROOT_USER}' | base64 -d)"
minio_password="$(kc -n rag-data get secret minio-root -o jsonpath='{.data.MINIO_ROOT_PASSWORD}' | base64 -d)"
srh_token="$(kc -n rag-data get secret redis-http -o jsonpath='{.data.SRH_TOKEN}' | base64 -d)"
kc -n knative-rag create secret generic rag-backends \
  --from-literal=S3_ACCESS_KEY_ID="${minio_user}" \
  --from-literal=S3_SECRET_ACCESS_KEY="${minio_password}" \
  --from-literal=UPSTASH_REDIS_REST_TOKEN="${srh_token}" \
  --dry-run=client -o yaml | kc apply -f - >/dev/null
if [ -n "${OPENAI_API_KEY:-}" ]; then
  # The key goes from this process's environment to the API server through a pipe: it is never
  # written to disk and never appears on a command line.
  printf '%s' "${OPENAI_API_KEY}" |
    kc -n knative-rag create secret generic rag-openai --from-file=OPENAI_API_KEY=/dev/stdin --dry-run=client -o yaml |
    kc apply -f - >/dev/null
  kc apply -f "${REPO_ROOT}/knative/openai-mode.yaml" >/dev/null
  info "OPENAI_API_KEY found: embed and search use OpenAI (text-embedding-3-small, gpt-4o-mini)"
else
  kc -n knative-rag delete secret rag-openai --ignore-not-found >/dev/null
  kc -n knative-rag delete configmap rag-openai-mode --ignore-not-found >/dev/null
  info "no OPENAI_API_KEY: offline defaults (hashing embedder, extractive answers)"
fi

if [ -n "${API_KEYS:-}" ]; then
  # API keys for ingest and search (name:secret:namespaces:access; README "Security"), piped like
  # the OpenAI key. Without them the public routes answer anyone.
  printf '%s' "${API_KEYS}" |
    kc -n knative-rag create secret generic rag-api-keys --from-file=API_KEYS=/dev/stdin --dry-run=client -o yaml |
    kc apply -f - >/dev/null
  info "API_KEYS found: ingest and search require an API key"
else
  kc -n knative-rag delete secret rag-api-keys --ignore-not-found >/dev/null
  info "no API_KEYS: ingest and search are open to anyone who can reach them"
fi

# ---------------------------------------------------------------------------------------------
step "Function images"
# "name=localhost:5001/knative-rag/name@sha256:..." lines (plain lines, not an associative
# array: macOS still ships bash 3.2).
digests=""
if [ "${SKIP_BUILD:-}" = "1" ]; then
  info "SKIP_BUILD=1: using localhost:${REGISTRY_PORT}/knative-rag/<name>:dev as last pushed"
else
  digests="$("${KIND_DIR}/build-images.sh")"
  printf '%s\n' "${digests}" | sed 's/^/    /'
fi

# ---------------------------------------------------------------------------------------------
step "Knative Services, KafkaSource and dead-letter sink"
rendered="$(kc kustomize "${REPO_ROOT}/knative")"
while IFS='=' read -r name reference; do
  [ -n "${name}" ] || continue
  # image: localhost:5001/knative-rag/<name>:dev -> the exact digest just pushed
  rendered="$(printf '%s\n' "${rendered}" | sed "s#image: localhost:${REGISTRY_PORT}/knative-rag/${name}:dev\$#image: ${reference}#")"
done <<<"${digests}"
printf '%s\n' "${rendered}" | kc apply -f - >/dev/null
for name in "${FUNCTIONS[@]}"; do
  kc -n knative-rag wait "ksvc/${name}" --for=condition=Ready --timeout=300s >/dev/null
  info "ksvc/${name} ready: $(kc -n knative-rag get ksvc "${name}" -o jsonpath='{.status.url}')"
done
kc -n knative-rag wait kafkasink/documents-dlq --for=condition=Ready --timeout=180s >/dev/null
kc -n knative-rag wait kafkasource/documents --for=condition=Ready --timeout=300s >/dev/null
info "KafkaSource documents -> index-document ready"

# ---------------------------------------------------------------------------------------------
step "Done"
cat <<TEXT
    search   http://search.knative-rag.127.0.0.1.sslip.io
    ingest   http://ingest.knative-rag.127.0.0.1.sslip.io
    Grafana  http://127.0.0.1:3000   (home: the Cold starts dashboard)

    Try it:
      curl -s -X POST http://ingest.knative-rag.127.0.0.1.sslip.io/ingest -H 'content-type: application/json' \\
        -d '{"text": "Knative scales a revision to zero when it is idle.", "metadata": {"title": "kn"}}'
      curl -s -X POST http://search.knative-rag.127.0.0.1.sslip.io/search -H 'content-type: application/json' \\
        -d '{"query": "when does a revision scale to zero?"}'

    Inspect with kn: see knative/README.md. Remove everything: kind/down.sh
TEXT
