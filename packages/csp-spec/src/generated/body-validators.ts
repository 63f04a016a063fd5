// @ts-nocheck
// Generated from openapi.yaml by scripts/generate.mjs (Ajv standalone code): request bodies, one export per operation, no coercion. Do not edit.
// Run `pnpm generate` after changing the contract; `pnpm verify` fails when this file is stale.
// Imports only the small runtime helpers Ajv's code calls (ajv/dist/runtime/*), never Ajv itself.
import { createRequire } from 'node:module';
import { contractFormats } from '../server/validation-options.js';

const require = createRequire(import.meta.url);
export const createToken = validate0;
const schema0 = {"type":"object","additionalProperties":false,"required":["username","password"],"properties":{"id":{"type":"string","description":"Ignored on input."},"username":{"type":"string","minLength":1,"maxLength":256},"password":{"type":"string","minLength":1,"maxLength":1024,"writeOnly":true,"description":"Password or API key. Never returned, logged or stored by the CSP."},"array_ip":{"type":"string","maxLength":253,"description":"The array to log in to (service mode). Empty or absent means the CSP's configured array."},"session_token":{"type":"string","description":"Ignored on input."}}};
const func0 = require("ajv/dist/runtime/ucs2length").default;

function validate0(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate0.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if(((data.username === undefined) && (missing0 = "username")) || ((data.password === undefined) && (missing0 = "password"))){
validate0.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(((((key0 === "id") || (key0 === "username")) || (key0 === "password")) || (key0 === "array_ip")) || (key0 === "session_token"))){
validate0.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.id !== undefined){
const _errs2 = errors;
if(typeof data.id !== "string"){
validate0.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.username !== undefined){
let data1 = data.username;
const _errs4 = errors;
if(errors === _errs4){
if(typeof data1 === "string"){
if(func0(data1) > 256){
validate0.errors = [{instancePath:instancePath+"/username",schemaPath:"#/properties/username/maxLength",keyword:"maxLength",params:{limit: 256},message:"must NOT have more than 256 characters"}];
return false;
}
else {
if(func0(data1) < 1){
validate0.errors = [{instancePath:instancePath+"/username",schemaPath:"#/properties/username/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate0.errors = [{instancePath:instancePath+"/username",schemaPath:"#/properties/username/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.password !== undefined){
let data2 = data.password;
const _errs6 = errors;
if(errors === _errs6){
if(typeof data2 === "string"){
if(func0(data2) > 1024){
validate0.errors = [{instancePath:instancePath+"/password",schemaPath:"#/properties/password/maxLength",keyword:"maxLength",params:{limit: 1024},message:"must NOT have more than 1024 characters"}];
return false;
}
else {
if(func0(data2) < 1){
validate0.errors = [{instancePath:instancePath+"/password",schemaPath:"#/properties/password/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate0.errors = [{instancePath:instancePath+"/password",schemaPath:"#/properties/password/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.array_ip !== undefined){
let data3 = data.array_ip;
const _errs8 = errors;
if(errors === _errs8){
if(typeof data3 === "string"){
if(func0(data3) > 253){
validate0.errors = [{instancePath:instancePath+"/array_ip",schemaPath:"#/properties/array_ip/maxLength",keyword:"maxLength",params:{limit: 253},message:"must NOT have more than 253 characters"}];
return false;
}
}
else {
validate0.errors = [{instancePath:instancePath+"/array_ip",schemaPath:"#/properties/array_ip/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs8 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.session_token !== undefined){
const _errs10 = errors;
if(typeof data.session_token !== "string"){
validate0.errors = [{instancePath:instancePath+"/session_token",schemaPath:"#/properties/session_token/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
var valid0 = _errs10 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
else {
validate0.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate0.errors = vErrors;
return errors === 0;
}
validate0.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const upsertHost = validate1;
const schema1 = {"type":"object","additionalProperties":false,"required":["uuid"],"properties":{"id":{"type":"string","description":"Ignored on input."},"name":{"type":"string","maxLength":256,"description":"A readable name (usually the node name). Defaults to `uuid`."},"uuid":{"type":"string","description":"The host's stable identity (the CSI node id).","minLength":1,"maxLength":256,"pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]*$"},"iqns":{"type":"array","maxItems":16,"items":{"type":"string","description":"An iSCSI qualified name (or EUI/NAA name).","minLength":1,"maxLength":223,"pattern":"^(iqn\\.[0-9]{4}-[0-9]{2}\\.[^\\s]+|eui\\.[0-9A-Fa-f]{16}|naa\\.[0-9A-Fa-f]{16,32})$","examples":["iqn.1993-08.org.debian:01:4f2a7b3c9d1e"]}},"wwpns":{"type":"array","maxItems":16,"items":{"type":"string","pattern":"^[0-9A-Fa-f:]{16,23}$"}},"nqns":{"type":"array","maxItems":16,"description":"NVMe host NQNs (HPE field). Required to publish over `nvmetcp`.","items":{"type":"string","description":"An NVMe qualified name (`nqn.YYYY-MM.<reverse domain>:...` or `nqn.2014-08.org.nvmexpress:uuid:<uuid>`).","minLength":11,"maxLength":223,"pattern":"^nqn\\.[0-9]{4}-[0-9]{2}\\.[^\\s]+$","examples":["nqn.2014-08.org.nvmexpress:uuid:4c4c4544-0035-4b10-8044-b7c04f4d4e32"]}},"networks":{"type":"array","maxItems":64,"items":{"type":"string","description":"A host NIC address with prefix length, e.g. 10.0.0.5/24.","maxLength":64,"pattern":"^[0-9A-Fa-f:.]+/[0-9]{1,3}$"}},"chap_user":{"type":"string","maxLength":64,"pattern":"^([A-Za-z0-9][A-Za-z0-9.:-]*)?$","description":"CHAP user the host logs in with; empty means no CHAP."},"chap_password":{"type":"string","writeOnly":true,"maxLength":64,"description":"CHAP secret (most arrays want 12 to 16 characters). Never returned."},"chap_mutual_user":{"x-opencsp-extension":true,"type":"string","maxLength":64,"pattern":"^([A-Za-z0-9][A-Za-z0-9.:-]*)?$","description":"Mutual CHAP (opencsp addition): the user the target presents to the host. Needs\n`chap_user`. Empty means one-way CHAP.\n"},"chap_mutual_password":{"x-opencsp-extension":true,"type":"string","writeOnly":true,"maxLength":64,"description":"Mutual CHAP secret the target presents. Never returned."},"dhchap_key":{"x-opencsp-extension":true,"type":"string","writeOnly":true,"description":"NVMe DH-CHAP (opencsp addition, feature `dhchap`): the secret the host presents when it\nconnects over `nvmetcp`. Absent means no DH-CHAP. Never returned.\n","maxLength":256,"pattern":"^DHHC-1:0[0-3]:[A-Za-z0-9+/]+={0,2}:$"},"dhchap_ctrl_key":{"x-opencsp-extension":true,"type":"string","writeOnly":true,"description":"Bidirectional DH-CHAP: the secret the array's controller presents back to the host.\nNeeds `dhchap_key`. Never returned.\n","maxLength":256,"pattern":"^DHHC-1:0[0-3]:[A-Za-z0-9+/]+={0,2}:$"},"access_protocol":{"type":"string","description":"How the host attaches the volume: `iscsi`, or `nvmetcp` (NVMe over TCP, HPE's spelling)\nwhere the array offers it; `fc` and `nfs` are reserved. A CSP lists what it serves in\n`GET /capabilities` (`access_protocols`) and refuses any other protocol with 400 naming\n`access_protocol`.\n","enum":["iscsi","fc","nvmetcp","nfs"]},"virtual_domain":{"type":"string","maxLength":64}}};
const func5 = Object.prototype.hasOwnProperty;
const pattern0 = new RegExp("^[A-Za-z0-9][A-Za-z0-9._:-]*$", "u");
const pattern1 = new RegExp("^(iqn\\.[0-9]{4}-[0-9]{2}\\.[^\\s]+|eui\\.[0-9A-Fa-f]{16}|naa\\.[0-9A-Fa-f]{16,32})$", "u");
const pattern2 = new RegExp("^[0-9A-Fa-f:]{16,23}$", "u");
const pattern3 = new RegExp("^nqn\\.[0-9]{4}-[0-9]{2}\\.[^\\s]+$", "u");
const pattern4 = new RegExp("^[0-9A-Fa-f:.]+/[0-9]{1,3}$", "u");
const pattern5 = new RegExp("^([A-Za-z0-9][A-Za-z0-9.:-]*)?$", "u");
const pattern7 = new RegExp("^DHHC-1:0[0-3]:[A-Za-z0-9+/]+={0,2}:$", "u");

function validate1(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate1.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.uuid === undefined) && (missing0 = "uuid")){
validate1.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func5.call(schema1.properties, key0))){
validate1.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.id !== undefined){
const _errs2 = errors;
if(typeof data.id !== "string"){
validate1.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.name !== undefined){
let data1 = data.name;
const _errs4 = errors;
if(errors === _errs4){
if(typeof data1 === "string"){
if(func0(data1) > 256){
validate1.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/maxLength",keyword:"maxLength",params:{limit: 256},message:"must NOT have more than 256 characters"}];
return false;
}
}
else {
validate1.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.uuid !== undefined){
let data2 = data.uuid;
const _errs6 = errors;
if(errors === _errs6){
if(typeof data2 === "string"){
if(func0(data2) > 256){
validate1.errors = [{instancePath:instancePath+"/uuid",schemaPath:"#/properties/uuid/maxLength",keyword:"maxLength",params:{limit: 256},message:"must NOT have more than 256 characters"}];
return false;
}
else {
if(func0(data2) < 1){
validate1.errors = [{instancePath:instancePath+"/uuid",schemaPath:"#/properties/uuid/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
else {
if(!pattern0.test(data2)){
validate1.errors = [{instancePath:instancePath+"/uuid",schemaPath:"#/properties/uuid/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._:-]*$"+"\""}];
return false;
}
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/uuid",schemaPath:"#/properties/uuid/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.iqns !== undefined){
let data3 = data.iqns;
const _errs8 = errors;
if(errors === _errs8){
if(Array.isArray(data3)){
if(data3.length > 16){
validate1.errors = [{instancePath:instancePath+"/iqns",schemaPath:"#/properties/iqns/maxItems",keyword:"maxItems",params:{limit: 16},message:"must NOT have more than 16 items"}];
return false;
}
else {
var valid1 = true;
const len0 = data3.length;
for(let i0=0; i0<len0; i0++){
let data4 = data3[i0];
const _errs10 = errors;
if(errors === _errs10){
if(typeof data4 === "string"){
if(func0(data4) > 223){
validate1.errors = [{instancePath:instancePath+"/iqns/" + i0,schemaPath:"#/properties/iqns/items/maxLength",keyword:"maxLength",params:{limit: 223},message:"must NOT have more than 223 characters"}];
return false;
}
else {
if(func0(data4) < 1){
validate1.errors = [{instancePath:instancePath+"/iqns/" + i0,schemaPath:"#/properties/iqns/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
else {
if(!pattern1.test(data4)){
validate1.errors = [{instancePath:instancePath+"/iqns/" + i0,schemaPath:"#/properties/iqns/items/pattern",keyword:"pattern",params:{pattern: "^(iqn\\.[0-9]{4}-[0-9]{2}\\.[^\\s]+|eui\\.[0-9A-Fa-f]{16}|naa\\.[0-9A-Fa-f]{16,32})$"},message:"must match pattern \""+"^(iqn\\.[0-9]{4}-[0-9]{2}\\.[^\\s]+|eui\\.[0-9A-Fa-f]{16}|naa\\.[0-9A-Fa-f]{16,32})$"+"\""}];
return false;
}
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/iqns/" + i0,schemaPath:"#/properties/iqns/items/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid1 = _errs10 === errors;
if(!valid1){
break;
}
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/iqns",schemaPath:"#/properties/iqns/type",keyword:"type",params:{type: "array"},message:"must be array"}];
return false;
}
}
var valid0 = _errs8 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.wwpns !== undefined){
let data5 = data.wwpns;
const _errs12 = errors;
if(errors === _errs12){
if(Array.isArray(data5)){
if(data5.length > 16){
validate1.errors = [{instancePath:instancePath+"/wwpns",schemaPath:"#/properties/wwpns/maxItems",keyword:"maxItems",params:{limit: 16},message:"must NOT have more than 16 items"}];
return false;
}
else {
var valid2 = true;
const len1 = data5.length;
for(let i1=0; i1<len1; i1++){
let data6 = data5[i1];
const _errs14 = errors;
if(errors === _errs14){
if(typeof data6 === "string"){
if(!pattern2.test(data6)){
validate1.errors = [{instancePath:instancePath+"/wwpns/" + i1,schemaPath:"#/properties/wwpns/items/pattern",keyword:"pattern",params:{pattern: "^[0-9A-Fa-f:]{16,23}$"},message:"must match pattern \""+"^[0-9A-Fa-f:]{16,23}$"+"\""}];
return false;
}
}
else {
validate1.errors = [{instancePath:instancePath+"/wwpns/" + i1,schemaPath:"#/properties/wwpns/items/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid2 = _errs14 === errors;
if(!valid2){
break;
}
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/wwpns",schemaPath:"#/properties/wwpns/type",keyword:"type",params:{type: "array"},message:"must be array"}];
return false;
}
}
var valid0 = _errs12 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.nqns !== undefined){
let data7 = data.nqns;
const _errs16 = errors;
if(errors === _errs16){
if(Array.isArray(data7)){
if(data7.length > 16){
validate1.errors = [{instancePath:instancePath+"/nqns",schemaPath:"#/properties/nqns/maxItems",keyword:"maxItems",params:{limit: 16},message:"must NOT have more than 16 items"}];
return false;
}
else {
var valid3 = true;
const len2 = data7.length;
for(let i2=0; i2<len2; i2++){
let data8 = data7[i2];
const _errs18 = errors;
if(errors === _errs18){
if(typeof data8 === "string"){
if(func0(data8) > 223){
validate1.errors = [{instancePath:instancePath+"/nqns/" + i2,schemaPath:"#/properties/nqns/items/maxLength",keyword:"maxLength",params:{limit: 223},message:"must NOT have more than 223 characters"}];
return false;
}
else {
if(func0(data8) < 11){
validate1.errors = [{instancePath:instancePath+"/nqns/" + i2,schemaPath:"#/properties/nqns/items/minLength",keyword:"minLength",params:{limit: 11},message:"must NOT have fewer than 11 characters"}];
return false;
}
else {
if(!pattern3.test(data8)){
validate1.errors = [{instancePath:instancePath+"/nqns/" + i2,schemaPath:"#/properties/nqns/items/pattern",keyword:"pattern",params:{pattern: "^nqn\\.[0-9]{4}-[0-9]{2}\\.[^\\s]+$"},message:"must match pattern \""+"^nqn\\.[0-9]{4}-[0-9]{2}\\.[^\\s]+$"+"\""}];
return false;
}
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/nqns/" + i2,schemaPath:"#/properties/nqns/items/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid3 = _errs18 === errors;
if(!valid3){
break;
}
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/nqns",schemaPath:"#/properties/nqns/type",keyword:"type",params:{type: "array"},message:"must be array"}];
return false;
}
}
var valid0 = _errs16 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.networks !== undefined){
let data9 = data.networks;
const _errs20 = errors;
if(errors === _errs20){
if(Array.isArray(data9)){
if(data9.length > 64){
validate1.errors = [{instancePath:instancePath+"/networks",schemaPath:"#/properties/networks/maxItems",keyword:"maxItems",params:{limit: 64},message:"must NOT have more than 64 items"}];
return false;
}
else {
var valid4 = true;
const len3 = data9.length;
for(let i3=0; i3<len3; i3++){
let data10 = data9[i3];
const _errs22 = errors;
if(errors === _errs22){
if(typeof data10 === "string"){
if(func0(data10) > 64){
validate1.errors = [{instancePath:instancePath+"/networks/" + i3,schemaPath:"#/properties/networks/items/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(!pattern4.test(data10)){
validate1.errors = [{instancePath:instancePath+"/networks/" + i3,schemaPath:"#/properties/networks/items/pattern",keyword:"pattern",params:{pattern: "^[0-9A-Fa-f:.]+/[0-9]{1,3}$"},message:"must match pattern \""+"^[0-9A-Fa-f:.]+/[0-9]{1,3}$"+"\""}];
return false;
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/networks/" + i3,schemaPath:"#/properties/networks/items/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid4 = _errs22 === errors;
if(!valid4){
break;
}
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/networks",schemaPath:"#/properties/networks/type",keyword:"type",params:{type: "array"},message:"must be array"}];
return false;
}
}
var valid0 = _errs20 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.chap_user !== undefined){
let data11 = data.chap_user;
const _errs24 = errors;
if(errors === _errs24){
if(typeof data11 === "string"){
if(func0(data11) > 64){
validate1.errors = [{instancePath:instancePath+"/chap_user",schemaPath:"#/properties/chap_user/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(!pattern5.test(data11)){
validate1.errors = [{instancePath:instancePath+"/chap_user",schemaPath:"#/properties/chap_user/pattern",keyword:"pattern",params:{pattern: "^([A-Za-z0-9][A-Za-z0-9.:-]*)?$"},message:"must match pattern \""+"^([A-Za-z0-9][A-Za-z0-9.:-]*)?$"+"\""}];
return false;
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/chap_user",schemaPath:"#/properties/chap_user/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs24 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.chap_password !== undefined){
let data12 = data.chap_password;
const _errs26 = errors;
if(errors === _errs26){
if(typeof data12 === "string"){
if(func0(data12) > 64){
validate1.errors = [{instancePath:instancePath+"/chap_password",schemaPath:"#/properties/chap_password/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
}
else {
validate1.errors = [{instancePath:instancePath+"/chap_password",schemaPath:"#/properties/chap_password/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs26 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.chap_mutual_user !== undefined){
let data13 = data.chap_mutual_user;
const _errs28 = errors;
if(errors === _errs28){
if(typeof data13 === "string"){
if(func0(data13) > 64){
validate1.errors = [{instancePath:instancePath+"/chap_mutual_user",schemaPath:"#/properties/chap_mutual_user/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(!pattern5.test(data13)){
validate1.errors = [{instancePath:instancePath+"/chap_mutual_user",schemaPath:"#/properties/chap_mutual_user/pattern",keyword:"pattern",params:{pattern: "^([A-Za-z0-9][A-Za-z0-9.:-]*)?$"},message:"must match pattern \""+"^([A-Za-z0-9][A-Za-z0-9.:-]*)?$"+"\""}];
return false;
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/chap_mutual_user",schemaPath:"#/properties/chap_mutual_user/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs28 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.chap_mutual_password !== undefined){
let data14 = data.chap_mutual_password;
const _errs30 = errors;
if(errors === _errs30){
if(typeof data14 === "string"){
if(func0(data14) > 64){
validate1.errors = [{instancePath:instancePath+"/chap_mutual_password",schemaPath:"#/properties/chap_mutual_password/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
}
else {
validate1.errors = [{instancePath:instancePath+"/chap_mutual_password",schemaPath:"#/properties/chap_mutual_password/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs30 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.dhchap_key !== undefined){
let data15 = data.dhchap_key;
const _errs32 = errors;
if(errors === _errs32){
if(typeof data15 === "string"){
if(func0(data15) > 256){
validate1.errors = [{instancePath:instancePath+"/dhchap_key",schemaPath:"#/properties/dhchap_key/maxLength",keyword:"maxLength",params:{limit: 256},message:"must NOT have more than 256 characters"}];
return false;
}
else {
if(!pattern7.test(data15)){
validate1.errors = [{instancePath:instancePath+"/dhchap_key",schemaPath:"#/properties/dhchap_key/pattern",keyword:"pattern",params:{pattern: "^DHHC-1:0[0-3]:[A-Za-z0-9+/]+={0,2}:$"},message:"must match pattern \""+"^DHHC-1:0[0-3]:[A-Za-z0-9+/]+={0,2}:$"+"\""}];
return false;
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/dhchap_key",schemaPath:"#/properties/dhchap_key/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs32 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.dhchap_ctrl_key !== undefined){
let data16 = data.dhchap_ctrl_key;
const _errs34 = errors;
if(errors === _errs34){
if(typeof data16 === "string"){
if(func0(data16) > 256){
validate1.errors = [{instancePath:instancePath+"/dhchap_ctrl_key",schemaPath:"#/properties/dhchap_ctrl_key/maxLength",keyword:"maxLength",params:{limit: 256},message:"must NOT have more than 256 characters"}];
return false;
}
else {
if(!pattern7.test(data16)){
validate1.errors = [{instancePath:instancePath+"/dhchap_ctrl_key",schemaPath:"#/properties/dhchap_ctrl_key/pattern",keyword:"pattern",params:{pattern: "^DHHC-1:0[0-3]:[A-Za-z0-9+/]+={0,2}:$"},message:"must match pattern \""+"^DHHC-1:0[0-3]:[A-Za-z0-9+/]+={0,2}:$"+"\""}];
return false;
}
}
}
else {
validate1.errors = [{instancePath:instancePath+"/dhchap_ctrl_key",schemaPath:"#/properties/dhchap_ctrl_key/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs34 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.access_protocol !== undefined){
let data17 = data.access_protocol;
const _errs36 = errors;
if(typeof data17 !== "string"){
validate1.errors = [{instancePath:instancePath+"/access_protocol",schemaPath:"#/properties/access_protocol/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if(!((((data17 === "iscsi") || (data17 === "fc")) || (data17 === "nvmetcp")) || (data17 === "nfs"))){
validate1.errors = [{instancePath:instancePath+"/access_protocol",schemaPath:"#/properties/access_protocol/enum",keyword:"enum",params:{allowedValues: schema1.properties.access_protocol.enum},message:"must be equal to one of the allowed values"}];
return false;
}
var valid0 = _errs36 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.virtual_domain !== undefined){
let data18 = data.virtual_domain;
const _errs38 = errors;
if(errors === _errs38){
if(typeof data18 === "string"){
if(func0(data18) > 64){
validate1.errors = [{instancePath:instancePath+"/virtual_domain",schemaPath:"#/properties/virtual_domain/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
}
else {
validate1.errors = [{instancePath:instancePath+"/virtual_domain",schemaPath:"#/properties/virtual_domain/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs38 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
else {
validate1.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate1.errors = vErrors;
return errors === 0;
}
validate1.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const createVolume = validate2;
const schema2 = {"type":"object","additionalProperties":false,"required":["name"],"properties":{"id":{"type":"string","description":"Ignored on input."},"name":{"type":"string","description":"A volume name chosen by the orchestrator (CSI `name`): any Unicode text of at most 128\ncharacters (CSI: 128 bytes of UTF-8) without the control characters CSI bans (U+0000-U+0008,\nU+000B, U+000C, U+000E-U+001F, U+007F-U+009F). Kubernetes sends `pvc-<uuid>`; other\norchestrators send anything. CSPs that do not claim `any_volume_name` may refuse names\noutside `ObjectName` with 400 (see `POST /volumes`).\n","minLength":1,"maxLength":128,"pattern":"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]+$","examples":["pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e","sanity-max-attach-limit-vol+1-6535ff30"]},"size":{"type":"integer","format":"int64","description":"Requested bytes. Required unless cloning from a snapshot.","minimum":1,"maximum":9007199254740991},"description":{"type":"string","maxLength":1024},"clone":{"type":"boolean","description":"With `base_snapshot_id`, create the volume as a clone of that snapshot."},"base_snapshot_id":{"description":"The snapshot to clone (requires `clone`). Empty means none.","anyOf":[{"type":"string","description":"An opaque CSP object id. Drivers store it verbatim (it becomes the CSI volume or snapshot id).","minLength":1,"maxLength":255,"pattern":"^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$","examples":["tank~k8s~pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e"]},{"const":""}]},"parent_volume_id":{"type":"string","description":"Informational; ignored by opencsp CSPs."},"config":{"type":"object","description":"CSP-specific settings: the StorageClass parameters with keys in snake_case. Values are\nstrings as Kubernetes delivers them; a CSP may also accept numbers and booleans.\n","additionalProperties":{"type":["string","number","boolean"]},"examples":[{"volblocksize":"16K","compression":"LZ4"}]},"volume_group_id":{"type":"string","maxLength":255,"description":"Volume group to join. Empty means none (HPE's driver always sends it)."},"multi_initiator":{"type":"boolean","description":"The volume may be published to more than one host at once."},"encrypted":{"type":"boolean","description":"Reserved; must be false or absent."},"access_protocol":{"type":"string","description":"The protocol the volume will be published over (opencsp addition). A CSP that prepares\nprotocol objects when it creates a volume (TrueNAS: an iSCSI target or an NVMe\nsubsystem) uses it; one that decides at publish ignores it. Absent means `iscsi`. A\nprotocol the CSP does not serve is 400 naming `access_protocol`.\n","enum":["iscsi","fc","nvmetcp","nfs"],"x-opencsp-extension":true}}};
const pattern9 = new RegExp("^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]+$", "u");
const pattern10 = new RegExp("^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$", "u");
const formats0 = contractFormats.int64;

function validate2(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate2.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.name === undefined) && (missing0 = "name")){
validate2.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func5.call(schema2.properties, key0))){
validate2.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.id !== undefined){
const _errs2 = errors;
if(typeof data.id !== "string"){
validate2.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.name !== undefined){
let data1 = data.name;
const _errs4 = errors;
if(errors === _errs4){
if(typeof data1 === "string"){
if(func0(data1) > 128){
validate2.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"}];
return false;
}
else {
if(func0(data1) < 1){
validate2.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
else {
if(!pattern9.test(data1)){
validate2.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]+$"},message:"must match pattern \""+"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]+$"+"\""}];
return false;
}
}
}
}
else {
validate2.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.size !== undefined){
let data2 = data.size;
const _errs6 = errors;
if(!((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2)))){
validate2.errors = [{instancePath:instancePath+"/size",schemaPath:"#/properties/size/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs6){
if(typeof data2 == "number"){
if(data2 > 9007199254740991 || isNaN(data2)){
validate2.errors = [{instancePath:instancePath+"/size",schemaPath:"#/properties/size/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data2 < 1 || isNaN(data2)){
validate2.errors = [{instancePath:instancePath+"/size",schemaPath:"#/properties/size/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
else {
if(!(formats0.validate(data2))){
validate2.errors = [{instancePath:instancePath+"/size",schemaPath:"#/properties/size/format",keyword:"format",params:{format: "int64"},message:"must match format \""+"int64"+"\""}];
return false;
}
}
}
}
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.description !== undefined){
let data3 = data.description;
const _errs8 = errors;
if(errors === _errs8){
if(typeof data3 === "string"){
if(func0(data3) > 1024){
validate2.errors = [{instancePath:instancePath+"/description",schemaPath:"#/properties/description/maxLength",keyword:"maxLength",params:{limit: 1024},message:"must NOT have more than 1024 characters"}];
return false;
}
}
else {
validate2.errors = [{instancePath:instancePath+"/description",schemaPath:"#/properties/description/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs8 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.clone !== undefined){
const _errs10 = errors;
if(typeof data.clone !== "boolean"){
validate2.errors = [{instancePath:instancePath+"/clone",schemaPath:"#/properties/clone/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"}];
return false;
}
var valid0 = _errs10 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.base_snapshot_id !== undefined){
let data5 = data.base_snapshot_id;
const _errs12 = errors;
const _errs13 = errors;
let valid1 = false;
const _errs14 = errors;
if(errors === _errs14){
if(typeof data5 === "string"){
if(func0(data5) > 255){
const err0 = {instancePath:instancePath+"/base_snapshot_id",schemaPath:"#/properties/base_snapshot_id/anyOf/0/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
else {
if(func0(data5) < 1){
const err1 = {instancePath:instancePath+"/base_snapshot_id",schemaPath:"#/properties/base_snapshot_id/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
else {
if(!pattern10.test(data5)){
const err2 = {instancePath:instancePath+"/base_snapshot_id",schemaPath:"#/properties/base_snapshot_id/anyOf/0/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$"+"\""};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
}
}
else {
const err3 = {instancePath:instancePath+"/base_snapshot_id",schemaPath:"#/properties/base_snapshot_id/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
var _valid0 = _errs14 === errors;
valid1 = valid1 || _valid0;
const _errs16 = errors;
if("" !== data5){
const err4 = {instancePath:instancePath+"/base_snapshot_id",schemaPath:"#/properties/base_snapshot_id/anyOf/1/const",keyword:"const",params:{allowedValue: ""},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
var _valid0 = _errs16 === errors;
valid1 = valid1 || _valid0;
if(!valid1){
const err5 = {instancePath:instancePath+"/base_snapshot_id",schemaPath:"#/properties/base_snapshot_id/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
validate2.errors = vErrors;
return false;
}
else {
errors = _errs13;
if(vErrors !== null){
if(_errs13){
vErrors.length = _errs13;
}
else {
vErrors = null;
}
}
}
var valid0 = _errs12 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.parent_volume_id !== undefined){
const _errs17 = errors;
if(typeof data.parent_volume_id !== "string"){
validate2.errors = [{instancePath:instancePath+"/parent_volume_id",schemaPath:"#/properties/parent_volume_id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
var valid0 = _errs17 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.config !== undefined){
let data7 = data.config;
const _errs19 = errors;
if(errors === _errs19){
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
for(const key1 in data7){
let data8 = data7[key1];
const _errs22 = errors;
if(((typeof data8 !== "string") && (!(typeof data8 == "number"))) && (typeof data8 !== "boolean")){
validate2.errors = [{instancePath:instancePath+"/config/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/config/additionalProperties/type",keyword:"type",params:{type: schema2.properties.config.additionalProperties.type},message:"must be string,number,boolean"}];
return false;
}
var valid2 = _errs22 === errors;
if(!valid2){
break;
}
}
}
else {
validate2.errors = [{instancePath:instancePath+"/config",schemaPath:"#/properties/config/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid0 = _errs19 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.volume_group_id !== undefined){
let data9 = data.volume_group_id;
const _errs24 = errors;
if(errors === _errs24){
if(typeof data9 === "string"){
if(func0(data9) > 255){
validate2.errors = [{instancePath:instancePath+"/volume_group_id",schemaPath:"#/properties/volume_group_id/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
}
else {
validate2.errors = [{instancePath:instancePath+"/volume_group_id",schemaPath:"#/properties/volume_group_id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs24 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.multi_initiator !== undefined){
const _errs26 = errors;
if(typeof data.multi_initiator !== "boolean"){
validate2.errors = [{instancePath:instancePath+"/multi_initiator",schemaPath:"#/properties/multi_initiator/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"}];
return false;
}
var valid0 = _errs26 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.encrypted !== undefined){
const _errs28 = errors;
if(typeof data.encrypted !== "boolean"){
validate2.errors = [{instancePath:instancePath+"/encrypted",schemaPath:"#/properties/encrypted/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"}];
return false;
}
var valid0 = _errs28 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.access_protocol !== undefined){
let data12 = data.access_protocol;
const _errs30 = errors;
if(typeof data12 !== "string"){
validate2.errors = [{instancePath:instancePath+"/access_protocol",schemaPath:"#/properties/access_protocol/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if(!((((data12 === "iscsi") || (data12 === "fc")) || (data12 === "nvmetcp")) || (data12 === "nfs"))){
validate2.errors = [{instancePath:instancePath+"/access_protocol",schemaPath:"#/properties/access_protocol/enum",keyword:"enum",params:{allowedValues: schema2.properties.access_protocol.enum},message:"must be equal to one of the allowed values"}];
return false;
}
var valid0 = _errs30 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
else {
validate2.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate2.errors = vErrors;
return errors === 0;
}
validate2.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const updateVolume = validate3;
const schema3 = {"type":"object","additionalProperties":false,"minProperties":1,"properties":{"id":{"type":"string","description":"Ignored on input (must match the path when given)."},"name":{"type":"string","description":"Ignored on input; names are immutable."},"size":{"type":"integer","format":"int64","description":"Bytes.","minimum":1,"maximum":9007199254740991},"description":{"type":"string","maxLength":1024},"config":{"type":"object","description":"CSP-specific settings: the StorageClass parameters with keys in snake_case. Values are\nstrings as Kubernetes delivers them; a CSP may also accept numbers and booleans.\n","additionalProperties":{"type":["string","number","boolean"]},"examples":[{"volblocksize":"16K","compression":"LZ4"}]},"volume_group_id":{"type":"string","maxLength":255}}};

function validate3(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate3.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
if(Object.keys(data).length < 1){
validate3.errors = [{instancePath,schemaPath:"#/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!((((((key0 === "id") || (key0 === "name")) || (key0 === "size")) || (key0 === "description")) || (key0 === "config")) || (key0 === "volume_group_id"))){
validate3.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.id !== undefined){
const _errs2 = errors;
if(typeof data.id !== "string"){
validate3.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.name !== undefined){
const _errs4 = errors;
if(typeof data.name !== "string"){
validate3.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.size !== undefined){
let data2 = data.size;
const _errs6 = errors;
if(!((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2)))){
validate3.errors = [{instancePath:instancePath+"/size",schemaPath:"#/properties/size/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs6){
if(typeof data2 == "number"){
if(data2 > 9007199254740991 || isNaN(data2)){
validate3.errors = [{instancePath:instancePath+"/size",schemaPath:"#/properties/size/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data2 < 1 || isNaN(data2)){
validate3.errors = [{instancePath:instancePath+"/size",schemaPath:"#/properties/size/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
else {
if(!(formats0.validate(data2))){
validate3.errors = [{instancePath:instancePath+"/size",schemaPath:"#/properties/size/format",keyword:"format",params:{format: "int64"},message:"must match format \""+"int64"+"\""}];
return false;
}
}
}
}
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.description !== undefined){
let data3 = data.description;
const _errs8 = errors;
if(errors === _errs8){
if(typeof data3 === "string"){
if(func0(data3) > 1024){
validate3.errors = [{instancePath:instancePath+"/description",schemaPath:"#/properties/description/maxLength",keyword:"maxLength",params:{limit: 1024},message:"must NOT have more than 1024 characters"}];
return false;
}
}
else {
validate3.errors = [{instancePath:instancePath+"/description",schemaPath:"#/properties/description/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs8 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.config !== undefined){
let data4 = data.config;
const _errs10 = errors;
if(errors === _errs10){
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key1 in data4){
let data5 = data4[key1];
const _errs13 = errors;
if(((typeof data5 !== "string") && (!(typeof data5 == "number"))) && (typeof data5 !== "boolean")){
validate3.errors = [{instancePath:instancePath+"/config/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/config/additionalProperties/type",keyword:"type",params:{type: schema3.properties.config.additionalProperties.type},message:"must be string,number,boolean"}];
return false;
}
var valid1 = _errs13 === errors;
if(!valid1){
break;
}
}
}
else {
validate3.errors = [{instancePath:instancePath+"/config",schemaPath:"#/properties/config/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid0 = _errs10 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.volume_group_id !== undefined){
let data6 = data.volume_group_id;
const _errs15 = errors;
if(errors === _errs15){
if(typeof data6 === "string"){
if(func0(data6) > 255){
validate3.errors = [{instancePath:instancePath+"/volume_group_id",schemaPath:"#/properties/volume_group_id/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
}
else {
validate3.errors = [{instancePath:instancePath+"/volume_group_id",schemaPath:"#/properties/volume_group_id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs15 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
}
else {
validate3.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate3.errors = vErrors;
return errors === 0;
}
validate3.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const publishVolume = validate4;
const schema4 = {"type":"object","additionalProperties":false,"required":["host_uuid"],"properties":{"host_uuid":{"type":"string","description":"The host's stable identity (the CSI node id).","minLength":1,"maxLength":256,"pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]*$"},"node_id":{"x-opencsp-extension":true,"type":"string","minLength":1,"maxLength":256,"description":"The orchestrator's id of the host's node (the CSI node id), which may hold more than the\nhost's `uuid`. A CSP that claims `published_nodes` keeps it on the array with the\nvolume's access and reports it in `published_nodes`; others ignore it.\n"},"access_protocol":{"type":"string","description":"How the host attaches the volume: `iscsi`, or `nvmetcp` (NVMe over TCP, HPE's spelling)\nwhere the array offers it; `fc` and `nfs` are reserved. A CSP lists what it serves in\n`GET /capabilities` (`access_protocols`) and refuses any other protocol with 400 naming\n`access_protocol`.\n","enum":["iscsi","fc","nvmetcp","nfs"]},"read_only":{"type":"boolean","description":"The host's access is read-only (opencsp addition; default false). Enforced at the array\nby CSPs that claim `read_only_publish`, recorded per host by CSPs that claim\n`read_only_per_host`; the node mounts it read-only either way.\n","x-opencsp-extension":true},"host_volume_limit":{"type":"integer","minimum":1,"maximum":100000,"description":"The most volumes this host may have published, this one included (opencsp\n`host_volume_limit`; the CSI node's `max_volumes_per_node`). Absent: no limit.\n","x-opencsp-extension":true}}};

function validate4(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate4.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.host_uuid === undefined) && (missing0 = "host_uuid")){
validate4.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(((((key0 === "host_uuid") || (key0 === "node_id")) || (key0 === "access_protocol")) || (key0 === "read_only")) || (key0 === "host_volume_limit"))){
validate4.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.host_uuid !== undefined){
let data0 = data.host_uuid;
const _errs2 = errors;
if(errors === _errs2){
if(typeof data0 === "string"){
if(func0(data0) > 256){
validate4.errors = [{instancePath:instancePath+"/host_uuid",schemaPath:"#/properties/host_uuid/maxLength",keyword:"maxLength",params:{limit: 256},message:"must NOT have more than 256 characters"}];
return false;
}
else {
if(func0(data0) < 1){
validate4.errors = [{instancePath:instancePath+"/host_uuid",schemaPath:"#/properties/host_uuid/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
else {
if(!pattern0.test(data0)){
validate4.errors = [{instancePath:instancePath+"/host_uuid",schemaPath:"#/properties/host_uuid/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._:-]*$"+"\""}];
return false;
}
}
}
}
else {
validate4.errors = [{instancePath:instancePath+"/host_uuid",schemaPath:"#/properties/host_uuid/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.node_id !== undefined){
let data1 = data.node_id;
const _errs4 = errors;
if(errors === _errs4){
if(typeof data1 === "string"){
if(func0(data1) > 256){
validate4.errors = [{instancePath:instancePath+"/node_id",schemaPath:"#/properties/node_id/maxLength",keyword:"maxLength",params:{limit: 256},message:"must NOT have more than 256 characters"}];
return false;
}
else {
if(func0(data1) < 1){
validate4.errors = [{instancePath:instancePath+"/node_id",schemaPath:"#/properties/node_id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate4.errors = [{instancePath:instancePath+"/node_id",schemaPath:"#/properties/node_id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.access_protocol !== undefined){
let data2 = data.access_protocol;
const _errs6 = errors;
if(typeof data2 !== "string"){
validate4.errors = [{instancePath:instancePath+"/access_protocol",schemaPath:"#/properties/access_protocol/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if(!((((data2 === "iscsi") || (data2 === "fc")) || (data2 === "nvmetcp")) || (data2 === "nfs"))){
validate4.errors = [{instancePath:instancePath+"/access_protocol",schemaPath:"#/properties/access_protocol/enum",keyword:"enum",params:{allowedValues: schema4.properties.access_protocol.enum},message:"must be equal to one of the allowed values"}];
return false;
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.read_only !== undefined){
const _errs8 = errors;
if(typeof data.read_only !== "boolean"){
validate4.errors = [{instancePath:instancePath+"/read_only",schemaPath:"#/properties/read_only/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"}];
return false;
}
var valid0 = _errs8 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.host_volume_limit !== undefined){
let data4 = data.host_volume_limit;
const _errs10 = errors;
if(!((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4)))){
validate4.errors = [{instancePath:instancePath+"/host_volume_limit",schemaPath:"#/properties/host_volume_limit/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs10){
if(typeof data4 == "number"){
if(data4 > 100000 || isNaN(data4)){
validate4.errors = [{instancePath:instancePath+"/host_volume_limit",schemaPath:"#/properties/host_volume_limit/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000},message:"must be <= 100000"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate4.errors = [{instancePath:instancePath+"/host_volume_limit",schemaPath:"#/properties/host_volume_limit/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid0 = _errs10 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
else {
validate4.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate4.errors = vErrors;
return errors === 0;
}
validate4.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const unpublishVolume = validate5;
const schema5 = {"type":"object","additionalProperties":false,"required":["host_uuid"],"properties":{"host_uuid":{"type":"string","description":"The host's stable identity (the CSI node id).","minLength":1,"maxLength":256,"pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]*$"}}};

function validate5(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate5.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.host_uuid === undefined) && (missing0 = "host_uuid")){
validate5.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(key0 === "host_uuid")){
validate5.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.host_uuid !== undefined){
let data0 = data.host_uuid;
const _errs2 = errors;
if(errors === _errs2){
if(typeof data0 === "string"){
if(func0(data0) > 256){
validate5.errors = [{instancePath:instancePath+"/host_uuid",schemaPath:"#/properties/host_uuid/maxLength",keyword:"maxLength",params:{limit: 256},message:"must NOT have more than 256 characters"}];
return false;
}
else {
if(func0(data0) < 1){
validate5.errors = [{instancePath:instancePath+"/host_uuid",schemaPath:"#/properties/host_uuid/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
else {
if(!pattern0.test(data0)){
validate5.errors = [{instancePath:instancePath+"/host_uuid",schemaPath:"#/properties/host_uuid/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._:-]*$"+"\""}];
return false;
}
}
}
}
else {
validate5.errors = [{instancePath:instancePath+"/host_uuid",schemaPath:"#/properties/host_uuid/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
}
}
}
}
else {
validate5.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate5.errors = vErrors;
return errors === 0;
}
validate5.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const createSnapshot = validate6;
const schema6 = {"type":"object","additionalProperties":false,"required":["name","volume_id"],"properties":{"id":{"type":"string","description":"Ignored on input."},"name":{"type":"string","description":"A snapshot or group name chosen by the orchestrator (CSI `name`).","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]*$","examples":["pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e"]},"volume_id":{"type":"string","description":"An opaque CSP object id. Drivers store it verbatim (it becomes the CSI volume or snapshot id).","minLength":1,"maxLength":255,"pattern":"^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$","examples":["tank~k8s~pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e"]},"description":{"type":"string","maxLength":1024},"config":{"type":"object","description":"CSP-specific settings: the StorageClass parameters with keys in snake_case. Values are\nstrings as Kubernetes delivers them; a CSP may also accept numbers and booleans.\n","additionalProperties":{"type":["string","number","boolean"]},"examples":[{"volblocksize":"16K","compression":"LZ4"}]}}};

function validate6(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate6.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if(((data.name === undefined) && (missing0 = "name")) || ((data.volume_id === undefined) && (missing0 = "volume_id"))){
validate6.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(((((key0 === "id") || (key0 === "name")) || (key0 === "volume_id")) || (key0 === "description")) || (key0 === "config"))){
validate6.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.id !== undefined){
const _errs2 = errors;
if(typeof data.id !== "string"){
validate6.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.name !== undefined){
let data1 = data.name;
const _errs4 = errors;
if(errors === _errs4){
if(typeof data1 === "string"){
if(func0(data1) > 128){
validate6.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"}];
return false;
}
else {
if(func0(data1) < 1){
validate6.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
else {
if(!pattern0.test(data1)){
validate6.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._:-]*$"+"\""}];
return false;
}
}
}
}
else {
validate6.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.volume_id !== undefined){
let data2 = data.volume_id;
const _errs6 = errors;
if(errors === _errs6){
if(typeof data2 === "string"){
if(func0(data2) > 255){
validate6.errors = [{instancePath:instancePath+"/volume_id",schemaPath:"#/properties/volume_id/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(func0(data2) < 1){
validate6.errors = [{instancePath:instancePath+"/volume_id",schemaPath:"#/properties/volume_id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
else {
if(!pattern10.test(data2)){
validate6.errors = [{instancePath:instancePath+"/volume_id",schemaPath:"#/properties/volume_id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$"+"\""}];
return false;
}
}
}
}
else {
validate6.errors = [{instancePath:instancePath+"/volume_id",schemaPath:"#/properties/volume_id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.description !== undefined){
let data3 = data.description;
const _errs8 = errors;
if(errors === _errs8){
if(typeof data3 === "string"){
if(func0(data3) > 1024){
validate6.errors = [{instancePath:instancePath+"/description",schemaPath:"#/properties/description/maxLength",keyword:"maxLength",params:{limit: 1024},message:"must NOT have more than 1024 characters"}];
return false;
}
}
else {
validate6.errors = [{instancePath:instancePath+"/description",schemaPath:"#/properties/description/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs8 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.config !== undefined){
let data4 = data.config;
const _errs10 = errors;
if(errors === _errs10){
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key1 in data4){
let data5 = data4[key1];
const _errs13 = errors;
if(((typeof data5 !== "string") && (!(typeof data5 == "number"))) && (typeof data5 !== "boolean")){
validate6.errors = [{instancePath:instancePath+"/config/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/config/additionalProperties/type",keyword:"type",params:{type: schema6.properties.config.additionalProperties.type},message:"must be string,number,boolean"}];
return false;
}
var valid1 = _errs13 === errors;
if(!valid1){
break;
}
}
}
else {
validate6.errors = [{instancePath:instancePath+"/config",schemaPath:"#/properties/config/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid0 = _errs10 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
else {
validate6.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate6.errors = vErrors;
return errors === 0;
}
validate6.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const createVolumeGroup = validate7;
const schema7 = {"type":"object","additionalProperties":false,"required":["name"],"properties":{"name":{"type":"string","description":"A snapshot or group name chosen by the orchestrator (CSI `name`).","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]*$","examples":["pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e"]},"description":{"type":"string","maxLength":1024},"config":{"type":"object","description":"CSP-specific settings: the StorageClass parameters with keys in snake_case. Values are\nstrings as Kubernetes delivers them; a CSP may also accept numbers and booleans.\n","additionalProperties":{"type":["string","number","boolean"]},"examples":[{"volblocksize":"16K","compression":"LZ4"}]}}};

function validate7(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate7.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.name === undefined) && (missing0 = "name")){
validate7.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(((key0 === "name") || (key0 === "description")) || (key0 === "config"))){
validate7.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.name !== undefined){
let data0 = data.name;
const _errs2 = errors;
if(errors === _errs2){
if(typeof data0 === "string"){
if(func0(data0) > 128){
validate7.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"}];
return false;
}
else {
if(func0(data0) < 1){
validate7.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
else {
if(!pattern0.test(data0)){
validate7.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._:-]*$"+"\""}];
return false;
}
}
}
}
else {
validate7.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.description !== undefined){
let data1 = data.description;
const _errs4 = errors;
if(errors === _errs4){
if(typeof data1 === "string"){
if(func0(data1) > 1024){
validate7.errors = [{instancePath:instancePath+"/description",schemaPath:"#/properties/description/maxLength",keyword:"maxLength",params:{limit: 1024},message:"must NOT have more than 1024 characters"}];
return false;
}
}
else {
validate7.errors = [{instancePath:instancePath+"/description",schemaPath:"#/properties/description/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.config !== undefined){
let data2 = data.config;
const _errs6 = errors;
if(errors === _errs6){
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
for(const key1 in data2){
let data3 = data2[key1];
const _errs9 = errors;
if(((typeof data3 !== "string") && (!(typeof data3 == "number"))) && (typeof data3 !== "boolean")){
validate7.errors = [{instancePath:instancePath+"/config/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/config/additionalProperties/type",keyword:"type",params:{type: schema7.properties.config.additionalProperties.type},message:"must be string,number,boolean"}];
return false;
}
var valid1 = _errs9 === errors;
if(!valid1){
break;
}
}
}
else {
validate7.errors = [{instancePath:instancePath+"/config",schemaPath:"#/properties/config/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
else {
validate7.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate7.errors = vErrors;
return errors === 0;
}
validate7.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const createSnapshotGroup = validate8;
const schema8 = {"type":"object","additionalProperties":false,"required":["name","volume_group_id"],"properties":{"name":{"type":"string","description":"A snapshot or group name chosen by the orchestrator (CSI `name`).","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]*$","examples":["pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e"]},"volume_group_id":{"type":"string","description":"An opaque CSP object id. Drivers store it verbatim (it becomes the CSI volume or snapshot id).","minLength":1,"maxLength":255,"pattern":"^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$","examples":["tank~k8s~pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e"]},"config":{"type":"object","description":"CSP-specific settings: the StorageClass parameters with keys in snake_case. Values are\nstrings as Kubernetes delivers them; a CSP may also accept numbers and booleans.\n","additionalProperties":{"type":["string","number","boolean"]},"examples":[{"volblocksize":"16K","compression":"LZ4"}]},"volume_ids":{"x-opencsp-extension":true,"type":"array","minItems":1,"maxItems":1024,"uniqueItems":true,"items":{"type":"string","description":"An opaque CSP object id. Drivers store it verbatim (it becomes the CSI volume or snapshot id).","minLength":1,"maxLength":255,"pattern":"^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$","examples":["tank~k8s~pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e"]},"description":"The volumes the caller expects the snapshot group to cover (see `POST /snapshot_groups`)."}}};

function validate8(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate8.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if(((data.name === undefined) && (missing0 = "name")) || ((data.volume_group_id === undefined) && (missing0 = "volume_group_id"))){
validate8.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!((((key0 === "name") || (key0 === "volume_group_id")) || (key0 === "config")) || (key0 === "volume_ids"))){
validate8.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.name !== undefined){
let data0 = data.name;
const _errs2 = errors;
if(errors === _errs2){
if(typeof data0 === "string"){
if(func0(data0) > 128){
validate8.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"}];
return false;
}
else {
if(func0(data0) < 1){
validate8.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
else {
if(!pattern0.test(data0)){
validate8.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._:-]*$"+"\""}];
return false;
}
}
}
}
else {
validate8.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.volume_group_id !== undefined){
let data1 = data.volume_group_id;
const _errs4 = errors;
if(errors === _errs4){
if(typeof data1 === "string"){
if(func0(data1) > 255){
validate8.errors = [{instancePath:instancePath+"/volume_group_id",schemaPath:"#/properties/volume_group_id/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(func0(data1) < 1){
validate8.errors = [{instancePath:instancePath+"/volume_group_id",schemaPath:"#/properties/volume_group_id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
else {
if(!pattern10.test(data1)){
validate8.errors = [{instancePath:instancePath+"/volume_group_id",schemaPath:"#/properties/volume_group_id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$"+"\""}];
return false;
}
}
}
}
else {
validate8.errors = [{instancePath:instancePath+"/volume_group_id",schemaPath:"#/properties/volume_group_id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.config !== undefined){
let data2 = data.config;
const _errs6 = errors;
if(errors === _errs6){
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
for(const key1 in data2){
let data3 = data2[key1];
const _errs9 = errors;
if(((typeof data3 !== "string") && (!(typeof data3 == "number"))) && (typeof data3 !== "boolean")){
validate8.errors = [{instancePath:instancePath+"/config/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/config/additionalProperties/type",keyword:"type",params:{type: schema8.properties.config.additionalProperties.type},message:"must be string,number,boolean"}];
return false;
}
var valid1 = _errs9 === errors;
if(!valid1){
break;
}
}
}
else {
validate8.errors = [{instancePath:instancePath+"/config",schemaPath:"#/properties/config/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.volume_ids !== undefined){
let data4 = data.volume_ids;
const _errs11 = errors;
if(errors === _errs11){
if(Array.isArray(data4)){
if(data4.length > 1024){
validate8.errors = [{instancePath:instancePath+"/volume_ids",schemaPath:"#/properties/volume_ids/maxItems",keyword:"maxItems",params:{limit: 1024},message:"must NOT have more than 1024 items"}];
return false;
}
else {
if(data4.length < 1){
validate8.errors = [{instancePath:instancePath+"/volume_ids",schemaPath:"#/properties/volume_ids/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"}];
return false;
}
else {
var valid2 = true;
const len0 = data4.length;
for(let i0=0; i0<len0; i0++){
let data5 = data4[i0];
const _errs13 = errors;
if(errors === _errs13){
if(typeof data5 === "string"){
if(func0(data5) > 255){
validate8.errors = [{instancePath:instancePath+"/volume_ids/" + i0,schemaPath:"#/properties/volume_ids/items/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(func0(data5) < 1){
validate8.errors = [{instancePath:instancePath+"/volume_ids/" + i0,schemaPath:"#/properties/volume_ids/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
else {
if(!pattern10.test(data5)){
validate8.errors = [{instancePath:instancePath+"/volume_ids/" + i0,schemaPath:"#/properties/volume_ids/items/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$"+"\""}];
return false;
}
}
}
}
else {
validate8.errors = [{instancePath:instancePath+"/volume_ids/" + i0,schemaPath:"#/properties/volume_ids/items/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid2 = _errs13 === errors;
if(!valid2){
break;
}
}
if(valid2){
let i1 = data4.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data4[i1];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
validate8.errors = [{instancePath:instancePath+"/volume_ids",schemaPath:"#/properties/volume_ids/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)"}];
return false;
break;
}
indices0[item0] = i1;
}
}
}
}
}
}
else {
validate8.errors = [{instancePath:instancePath+"/volume_ids",schemaPath:"#/properties/volume_ids/type",keyword:"type",params:{type: "array"},message:"must be array"}];
return false;
}
}
var valid0 = _errs11 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
else {
validate8.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate8.errors = vErrors;
return errors === 0;
}
validate8.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const queryCapacity = validate9;
const schema9 = {"x-opencsp-extension":true,"type":"object","additionalProperties":false,"properties":{"config":{"type":"object","description":"CSP-specific settings: the StorageClass parameters with keys in snake_case. Values are\nstrings as Kubernetes delivers them; a CSP may also accept numbers and booleans.\n","additionalProperties":{"type":["string","number","boolean"]},"examples":[{"volblocksize":"16K","compression":"LZ4"}]}}};

function validate9(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate9.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
const _errs1 = errors;
for(const key0 in data){
if(!(key0 === "config")){
validate9.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.config !== undefined){
let data0 = data.config;
const _errs2 = errors;
if(errors === _errs2){
if(data0 && typeof data0 == "object" && !Array.isArray(data0)){
for(const key1 in data0){
let data1 = data0[key1];
const _errs5 = errors;
if(((typeof data1 !== "string") && (!(typeof data1 == "number"))) && (typeof data1 !== "boolean")){
validate9.errors = [{instancePath:instancePath+"/config/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/config/additionalProperties/type",keyword:"type",params:{type: schema9.properties.config.additionalProperties.type},message:"must be string,number,boolean"}];
return false;
}
var valid1 = _errs5 === errors;
if(!valid1){
break;
}
}
}
else {
validate9.errors = [{instancePath:instancePath+"/config",schemaPath:"#/properties/config/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
}
}
}
else {
validate9.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate9.errors = vErrors;
return errors === 0;
}
validate9.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


