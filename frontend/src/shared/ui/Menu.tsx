/**
 * A thin styled wrapper over Radix DropdownMenu (keyboard, focus management, typeahead and ARIA
 * come from Radix). Compose: <Menu.Root><Menu.Trigger/><Menu.Content><Menu.Item/>...</Menu.Content></Menu.Root>
 */
import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { forwardRef, type ComponentPropsWithoutRef, type ElementRef } from "react";

const Content = forwardRef<ElementRef<typeof DropdownMenu.Content>, ComponentPropsWithoutRef<typeof DropdownMenu.Content>>(
  function Content({ className, sideOffset = 6, align = "end", ...props }, ref) {
    return (
      <DropdownMenu.Portal>
        <DropdownMenu.Content ref={ref} sideOffset={sideOffset} align={align} className={["a-menu", className].filter(Boolean).join(" ")} {...props} />
      </DropdownMenu.Portal>
    );
  },
);

const Item = forwardRef<ElementRef<typeof DropdownMenu.Item>, ComponentPropsWithoutRef<typeof DropdownMenu.Item>>(function Item(
  { className, ...props },
  ref,
) {
  return <DropdownMenu.Item ref={ref} className={["a-menu__item", className].filter(Boolean).join(" ")} {...props} />;
});

const RadioItem = forwardRef<ElementRef<typeof DropdownMenu.RadioItem>, ComponentPropsWithoutRef<typeof DropdownMenu.RadioItem>>(
  function RadioItem({ className, children, ...props }, ref) {
    return (
      <DropdownMenu.RadioItem ref={ref} className={["a-menu__item a-menu__item--radio", className].filter(Boolean).join(" ")} {...props}>
        <DropdownMenu.ItemIndicator className="a-menu__check">✓</DropdownMenu.ItemIndicator>
        {children}
      </DropdownMenu.RadioItem>
    );
  },
);

const CheckboxItem = forwardRef<ElementRef<typeof DropdownMenu.CheckboxItem>, ComponentPropsWithoutRef<typeof DropdownMenu.CheckboxItem>>(
  function CheckboxItem({ className, children, ...props }, ref) {
    return (
      <DropdownMenu.CheckboxItem ref={ref} className={["a-menu__item a-menu__item--radio", className].filter(Boolean).join(" ")} {...props}>
        <DropdownMenu.ItemIndicator className="a-menu__check">✓</DropdownMenu.ItemIndicator>
        {children}
      </DropdownMenu.CheckboxItem>
    );
  },
);

function Label({ className, ...props }: ComponentPropsWithoutRef<typeof DropdownMenu.Label>) {
  return <DropdownMenu.Label className={["a-menu__label", className].filter(Boolean).join(" ")} {...props} />;
}

function Separator() {
  return <DropdownMenu.Separator className="a-menu__sep" />;
}

/** Non-modal by default: the page behind stays in the accessibility tree (no aria-hidden on #root). */
function Root({ modal = false, ...props }: ComponentPropsWithoutRef<typeof DropdownMenu.Root>) {
  return <DropdownMenu.Root modal={modal} {...props} />;
}

export const Menu = {
  Root,
  Trigger: DropdownMenu.Trigger,
  Content,
  Item,
  RadioGroup: DropdownMenu.RadioGroup,
  RadioItem,
  CheckboxItem,
  Label,
  Separator,
  Group: DropdownMenu.Group,
};
