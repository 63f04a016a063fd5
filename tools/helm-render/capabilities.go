package main

// .Capabilities as Helm 3 exposes it, and the Chart.yaml kubeVersion check Helm runs before
// rendering.

import (
	"fmt"
	"strings"

	semver "github.com/Masterminds/semver" // Debian ships semver v3 at the v1 import path (GOPATH mode)
)

// KubeVersion mirrors chartutil.KubeVersion.
type KubeVersion struct {
	Version string
	Major   string
	Minor   string
}

// String returns the version, e.g. v1.31.0.
func (kv *KubeVersion) String() string { return kv.Version }

// GitVersion returns the version (deprecated alias in Helm, kept for templates that use it).
func (kv *KubeVersion) GitVersion() string { return kv.Version }

// VersionSet mirrors chartutil.VersionSet.
type VersionSet []string

// Has reports whether the API version (or group/version/kind) is available.
func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// HelmVersion mirrors the parts of version.BuildInfo templates read.
type HelmVersion struct {
	Version      string
	GitCommit    string
	GitTreeState string
	GoVersion    string
}

// Capabilities mirrors chartutil.Capabilities.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion HelmVersion
}

// builtinAPIVersions are the GA group/versions of the Kubernetes releases this chart targets.
// Like `helm template`, nothing is discovered from a cluster; extra ones come from --api-versions.
var builtinAPIVersions = []string{
	"v1", "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "apps/v1",
	"authentication.k8s.io/v1", "authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2",
	"batch/v1", "certificates.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1",
	"events.k8s.io/v1", "networking.k8s.io/v1", "node.k8s.io/v1", "policy/v1",
	"rbac.authorization.k8s.io/v1", "scheduling.k8s.io/v1", "storage.k8s.io/v1",
}

func newCapabilities(kubeVersion string, extraAPIVersions []string) (*Capabilities, error) {
	v, err := semver.NewVersion(kubeVersion)
	if err != nil {
		return nil, fmt.Errorf("invalid --kube-version %q: %w", kubeVersion, err)
	}
	versions := append(VersionSet{}, builtinAPIVersions...)
	versions = append(versions, extraAPIVersions...)
	return &Capabilities{
		KubeVersion: KubeVersion{
			Version: "v" + v.String(),
			Major:   fmt.Sprint(v.Major()),
			Minor:   fmt.Sprint(v.Minor()),
		},
		APIVersions: versions,
		HelmVersion: HelmVersion{Version: "v3", GitTreeState: "clean"},
	}, nil
}

// checkKubeVersion applies Chart.yaml's kubeVersion constraint the way Helm does.
func checkKubeVersion(constraint string, caps *Capabilities) error {
	if strings.TrimSpace(constraint) == "" {
		return nil
	}
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return fmt.Errorf("Chart.yaml kubeVersion %q: %w", constraint, err)
	}
	v, err := semver.NewVersion(caps.KubeVersion.Version)
	if err != nil {
		return err
	}
	if !c.Check(v) {
		return fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", constraint, caps.KubeVersion.Version)
	}
	return nil
}
