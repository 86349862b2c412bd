// A real Kubernetes control plane on loopback: Debian's etcd and the kube-apiserver of the release
// kind/versions.env pins (built from test/kube-tools), token auth, every port free-picked on
// 127.0.0.1. No controller-manager, scheduler or kubelet: objects are stored and admitted
// (validation, defaulting, Pod Security), never run.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { freePorts } from "../../support/free-port.ts";
import { tempDir } from "../../support/temp-dir.ts";
import { managedProcess, type ManagedProcess } from "../../stack/managed-process.ts";

export interface KubectlResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface ControlPlane {
  kubeconfig: string;
  kubectl(args: string[], input?: string): KubectlResult;
  stop(): Promise<void>;
}

export async function startControlPlane(binaries: {
  apiserver: string;
  kubectl: string;
  etcd: string;
}): Promise<ControlPlane> {
  const dir = await tempDir("control-plane");
  const ports = await freePorts(["etcdClient", "etcdPeer", "apiserver"] as const);
  const token = randomBytes(24).toString("hex");
  writeFileSync(path.join(dir, "tokens.csv"), `${token},admin,admin,system:masters\n`, {
    mode: 0o600,
  });
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(path.join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(path.join(dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }), {
    mode: 0o600,
  });
  const kubeconfig = path.join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      // The API server's certificate is self-signed (--cert-dir) and it listens on loopback only.
      clusters: [
        {
          name: "test",
          cluster: {
            server: `https://127.0.0.1:${ports.apiserver}`,
            "insecure-skip-tls-verify": true,
          },
        },
      ],
      users: [{ name: "admin", user: { token } }],
      contexts: [{ name: "test", context: { cluster: "test", user: "admin" } }],
      "current-context": "test",
    }),
    { mode: 0o600 },
  );
  const kubectl = (args: string[], input?: string): KubectlResult => {
    const result = spawnSync(binaries.kubectl, ["--kubeconfig", kubeconfig, ...args], {
      input,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    return {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr + (result.error ? String(result.error) : ""),
    };
  };

  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  const etcd = managedProcess({
    name: "etcd",
    command: binaries.etcd,
    args: [
      `--data-dir=${path.join(dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      "--listen-metrics-urls=",
    ],
    logFile: path.join(dir, "etcd.log"),
    isReady: async () => (await fetch(`${etcdUrl}/health`)).ok,
    readyTimeoutMs: 60_000,
  });
  const apiserver = managedProcess({
    name: "kube-apiserver",
    command: binaries.apiserver,
    args: [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${ports.apiserver}`,
      `--cert-dir=${path.join(dir, "certs")}`,
      `--token-auth-file=${path.join(dir, "tokens.csv")}`,
      "--authorization-mode=RBAC",
      "--anonymous-auth=false",
      `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
      `--service-account-key-file=${path.join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      // No Endpoints for the "kubernetes" Service: its address would be loopback, which Endpoints refuse.
      "--endpoint-reconciler-type=none",
    ],
    logFile: path.join(dir, "kube-apiserver.log"),
    isReady: async () => kubectl(["get", "--raw", "/readyz"]).stdout.trim() === "ok",
    readyTimeoutMs: 180_000,
  });
  const started: ManagedProcess[] = [];
  try {
    for (const server of [etcd, apiserver]) {
      await server.start();
      started.push(server);
    }
  } catch (error) {
    for (const server of started.reverse()) await server.stop();
    throw error;
  }
  return {
    kubeconfig,
    kubectl,
    async stop() {
      for (const server of started.reverse()) await server.stop();
    },
  };
}
