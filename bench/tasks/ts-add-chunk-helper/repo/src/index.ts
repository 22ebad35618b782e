export { groupBy, partition, unique } from "./collections/arrays.ts";
export { increment, mapValues } from "./collections/maps.ts";
