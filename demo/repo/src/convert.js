/** Converts a temperature in degrees Celsius to degrees Fahrenheit. */
export function celsiusToFahrenheit(celsius) {
  return (celsius * 9) / 5 - 32;
}

/** Converts a temperature in degrees Fahrenheit to degrees Celsius. */
export function fahrenheitToCelsius(fahrenheit) {
  return ((fahrenheit - 32) * 5) / 9;
}
