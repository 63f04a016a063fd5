package main

// Values handling exactly as Helm 3 does it:
//   - YAML is read the way sigs.k8s.io/yaml reads it: YAML -> JSON -> Go values, so every number
//     becomes a float64 and every map key a string;
//   - several -f files merge left to right (later files win, maps merge recursively, an explicit
//     null is kept so that it can delete a default);
//   - the result is coalesced over the chart's values.yaml: user values win, maps merge
//     recursively, and a user null deletes the default key.

import (
	"encoding/json"
	"fmt"

	yaml "gopkg.in/yaml.v2"
)

// parseYAMLMap reads one YAML document into a JSON-shaped map.
func parseYAMLMap(data []byte) (map[string]interface{}, error) {
	v, err := yamlToJSONValue(data)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return map[string]interface{}{}, nil
	}
	m, ok := v.(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("expected a YAML mapping at the top level, got %T", v)
	}
	return m, nil
}

// yamlToJSONValue converts YAML text to the value encoding/json would produce from the same
// document (this is what sigs.k8s.io/yaml.Unmarshal does).
func yamlToJSONValue(data []byte) (interface{}, error) {
	var raw interface{}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	converted, err := toJSONCompatible(raw)
	if err != nil {
		return nil, err
	}
	encoded, err := json.Marshal(converted)
	if err != nil {
		return nil, err
	}
	var out interface{}
	if err := json.Unmarshal(encoded, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// toJSONCompatible turns yaml.v2's map[interface{}]interface{} into map[string]interface{},
// stringifying keys the way sigs.k8s.io/yaml does (ints, floats and bools become their text).
func toJSONCompatible(v interface{}) (interface{}, error) {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, val := range t {
			key, err := keyString(k)
			if err != nil {
				return nil, err
			}
			c, err := toJSONCompatible(val)
			if err != nil {
				return nil, err
			}
			out[key] = c
		}
		return out, nil
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, val := range t {
			c, err := toJSONCompatible(val)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	default:
		return v, nil
	}
}

func keyString(k interface{}) (string, error) {
	switch t := k.(type) {
	case string:
		return t, nil
	case int, int64, uint64, float64, bool:
		return fmt.Sprint(t), nil
	case nil:
		return "null", nil
	default:
		return "", fmt.Errorf("unsupported map key type %T", k)
	}
}

// mergeUserValues merges several user values files the way `helm -f a -f b` does.
func mergeUserValues(base, next map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(base))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range next {
		if nv, ok := v.(map[string]interface{}); ok {
			if bv, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeUserValues(bv, nv)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// coalesceValues lays user values over the chart defaults (chartutil.CoalesceValues): user
// values win, maps merge recursively, a user null deletes the default key, and a null with no
// default stays null.
func coalesceValues(defaults, user map[string]interface{}) map[string]interface{} {
	out := deepCopyMap(defaults)
	for k, uv := range user {
		dv, hasDefault := out[k]
		if uv == nil {
			if hasDefault {
				delete(out, k)
			} else {
				out[k] = nil
			}
			continue
		}
		um, userIsMap := uv.(map[string]interface{})
		dm, defaultIsMap := dv.(map[string]interface{})
		if userIsMap && defaultIsMap {
			out[k] = coalesceValues(dm, um)
			continue
		}
		out[k] = deepCopy(uv)
	}
	return out
}

func deepCopyMap(m map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[k] = deepCopy(v)
	}
	return out
}

func deepCopy(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		return deepCopyMap(t)
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, val := range t {
			out[i] = deepCopy(val)
		}
		return out
	default:
		return v
	}
}
