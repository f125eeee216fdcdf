// @module oro:hello
/** oro-hello's routes, from page JavaScript. */

/** `hello.greeting`, then `name`; `excited` ends it with "!" instead of ".". */
export function greet (name: string, options?: { excited?: boolean }): Promise<{ message: string, greeted: number }>

declare const hello: {
  greet: typeof greet
}
export default hello
