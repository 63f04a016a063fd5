// helm-render renders a Helm 3 chart offline with the engine Helm itself uses: Go's text/template,
// the sprig v3 function library and Helm's own functions (include, tpl, required, toYaml,
// fromYaml, toJson, fromJson, lookup), with Helm's value merging. It exists because the helm
// binary cannot be installed on the project's build machines; it is the `helm template` of the
// chart tests, not a replacement for helm.
//
// Usage:
//
//	helm-render --chart charts/opencsp [-f values.yaml ...] [--release-name opencsp]
//	            [--namespace kube-system] [--kube-version v1.31.0] [--api-versions G/V ...]
//	            [--is-upgrade] [--cluster-objects objects.json] [--output yaml|json|values]
//
// --output yaml prints what `helm template` prints (one "# Source:" document per file);
// --output json prints {"values": <merged values>, "manifests": [{source, content}], "notes": "..."}
// so that tests can validate the merged values against values.schema.json as Helm does;
// --output values prints only the merged values (Helm validates them before it renders).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

type options struct {
	chartDir    string
	valueFiles  stringList
	releaseName string
	namespace   string
	kubeVersion string
	apiVersions stringList
	isUpgrade   bool
	cluster     string
	output      string
}

var releaseNameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

func main() {
	var o options
	flag.StringVar(&o.chartDir, "chart", "", "chart directory (required)")
	flag.Var(&o.valueFiles, "f", "values file (repeatable, later files win)")
	flag.StringVar(&o.releaseName, "release-name", "opencsp", "release name")
	flag.StringVar(&o.namespace, "namespace", "default", "release namespace")
	flag.StringVar(&o.kubeVersion, "kube-version", "v1.31.0", "Kubernetes version for .Capabilities")
	flag.Var(&o.apiVersions, "api-versions", "extra API version for .Capabilities.APIVersions (repeatable)")
	flag.BoolVar(&o.isUpgrade, "is-upgrade", false, "render as an upgrade (.Release.IsUpgrade)")
	flag.StringVar(&o.cluster, "cluster-objects", "", "JSON array of objects `lookup` finds (default: none, as helm template)")
	flag.StringVar(&o.output, "output", "yaml", "yaml (like helm template), json, or values (merged values only, no render)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.chartDir == "" {
		return fmt.Errorf("--chart is required")
	}
	if len(o.releaseName) > 53 || !releaseNameRE.MatchString(o.releaseName) {
		return fmt.Errorf("invalid release name %q: must be a DNS-1123 name of at most 53 characters", o.releaseName)
	}
	ch, err := loadChart(o.chartDir)
	if err != nil {
		return err
	}
	caps, err := newCapabilities(o.kubeVersion, o.apiVersions)
	if err != nil {
		return err
	}
	if err := checkKubeVersion(ch.Metadata.KubeVersion, caps); err != nil {
		return err
	}
	user := map[string]interface{}{}
	for _, f := range o.valueFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("reading values file: %w", err)
		}
		m, err := parseYAMLMap(data)
		if err != nil {
			return fmt.Errorf("parsing %s: %w", f, err)
		}
		user = mergeUserValues(user, m)
	}
	values := coalesceValues(ch.Values, user)
	if o.output == "values" {
		return writeJSON(values)
	}
	release := map[string]interface{}{
		"Name":      o.releaseName,
		"Namespace": o.namespace,
		"IsUpgrade": o.isUpgrade,
		"IsInstall": !o.isUpgrade,
		"Revision":  1,
		"Service":   "Helm",
	}
	cluster, err := loadClusterObjects(o.cluster)
	if err != nil {
		return err
	}
	manifests, notes, err := render(ch, RenderInput{Values: values, Release: release, Capabilities: caps, Cluster: cluster})
	if err != nil {
		return err
	}
	return write(o.output, values, manifests, notes)
}

func write(format string, values map[string]interface{}, manifests []Rendered, notes string) error {
	switch format {
	case "json":
		if manifests == nil {
			manifests = []Rendered{}
		}
		return writeJSON(map[string]interface{}{"values": values, "manifests": manifests, "notes": notes})
	case "yaml":
		for _, m := range manifests {
			fmt.Printf("---\n# Source: %s\n%s\n", m.Source, strings.TrimSpace(m.Content))
		}
		return nil
	default:
		return fmt.Errorf("unknown --output %q (yaml, json or values)", format)
	}
}

func writeJSON(v interface{}) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
