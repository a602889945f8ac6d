/**
 * Steps shared by the addon's tours.
 */

/** The statusbar button of the form's current state. */
export const current = (label) =>
    `.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("${label}")`;

/**
 * Choose `label` in the selection field `fieldName` of the form, then wait
 * for `effect`, a trigger that only the server's answer to the choice shows.
 *
 * The field's menu keeps its input focused and empties it while the onchange
 * of the choice runs. Clicking the next field in that moment blurs an empty
 * input, and the menu takes that for clearing the field: the choice is lost,
 * and the save later fails on a required field. Going on only once the
 * onchange has answered closes that window.
 */
export function chooseOption(fieldName, label, { content, effect }) {
    return [
        {
            content,
            trigger: `.o_form_view .o_field_widget[name="${fieldName}"] .o_select_menu_toggler`,
            run: "click",
        },
        {
            trigger: `.o_select_menu_menu .o_select_menu_item:contains("${label}")`,
            run: "click",
        },
        {
            content: `The server took "${label}"`,
            trigger: effect,
        },
    ];
}
