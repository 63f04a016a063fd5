package main

// Helm's `lookup` against a fixed set of cluster objects. Without --cluster-objects it answers as
// `helm template` and `helm install --dry-run` do (an empty map: no cluster); with it, as
// `helm upgrade` does against a cluster holding those objects, so a test can render an upgrade of
// a release whose generated Secrets already exist.

import (
	"encoding/json"
	"fmt"
	"os"
)

type clusterObjects []map[string]interface{}

// loadClusterObjects reads a JSON array of Kubernetes objects (apiVersion, kind, metadata).
func loadClusterObjects(path string) (clusterObjects, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading cluster objects: %w", err)
	}
	var objects clusterObjects
	if err := json.Unmarshal(data, &objects); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return objects, nil
}

func metadataOf(o map[string]interface{}) (namespace, name string) {
	meta, _ := o["metadata"].(map[string]interface{})
	namespace, _ = meta["namespace"].(string)
	name, _ = meta["name"].(string)
	return namespace, name
}

// lookup is Helm's lookup: one object by name (empty map when absent), or {"items": [...]} of
// every object of the kind in the namespace (all namespaces when it is empty) when name is empty.
func (objects clusterObjects) lookup(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
	var items []interface{}
	for _, o := range objects {
		if o["apiVersion"] != apiVersion || o["kind"] != kind {
			continue
		}
		ns, n := metadataOf(o)
		if namespace != "" && ns != namespace {
			continue
		}
		if name != "" {
			if n == name {
				return o, nil
			}
			continue
		}
		items = append(items, o)
	}
	if name != "" {
		return map[string]interface{}{}, nil
	}
	if items == nil {
		items = []interface{}{}
	}
	return map[string]interface{}{"apiVersion": "v1", "kind": kind + "List", "items": items}, nil
}
