// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TokenFixture} from "../token/TokenFixture.sol";
import {ModularCompliance} from "../../src/compliance/ModularCompliance.sol";
import {GlobalCompliance} from "../../src/compliance/GlobalCompliance.sol";
import {ModuleList} from "../../src/compliance/ModuleList.sol";
import {IKeelCompliance} from "../../src/compliance/interfaces/IKeelCompliance.sol";
import {IModularCompliance} from "../../src/interfaces/erc3643/IModularCompliance.sol";
import {KeelRoles} from "../../src/token/KeelRoles.sol";
import {CountryAllowListModule} from "../../src/compliance/modules/CountryAllowListModule.sol";
import {ComplianceModuleBase} from "../../src/compliance/modules/ComplianceModuleBase.sol";
import {RecordingModule} from "../mocks/TestModules.sol";

contract ModularComplianceTest is TokenFixture {
    RecordingModule internal m1;
    RecordingModule internal m2;
    RecordingModule internal m3;

    function setUp() public virtual override {
        super.setUp();
        m1 = new RecordingModule(1);
        m2 = new RecordingModule(2);
        m3 = new RecordingModule(3);
    }

    function _addAll() internal {
        compliance.addModule(address(m1));
        compliance.addModule(address(m2));
        compliance.addModule(address(m3));
    }

    function test_addModule_bindsInOrderAndEmits() public {
        vm.expectEmit(true, false, false, false, address(compliance));
        emit IModularCompliance.ModuleAdded(address(m1));
        _addAll();
        address[] memory mods = compliance.getModules();
        assertEq(mods.length, 3);
        assertEq(mods[0], address(m1));
        assertEq(mods[2], address(m3));
        assertTrue(compliance.isModuleBound(address(m2)));
        assertTrue(m1.isBoundTo(address(compliance)));
        assertEq(m1.epochOf(address(compliance)), 1);
    }

    function test_addModule_rejectsDuplicateZeroAndNonManager() public {
        compliance.addModule(address(m1));
        vm.expectRevert(abi.encodeWithSelector(ModuleList.ModuleAlreadyBound.selector, address(m1)));
        compliance.addModule(address(m1));
        vm.expectRevert(ModuleList.ModuleZeroAddress.selector);
        compliance.addModule(address(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, alice, KeelRoles.COMPLIANCE_MANAGER_ROLE
            )
        );
        vm.prank(alice);
        compliance.addModule(address(m2));
    }

    function test_addModule_capsAtMax() public {
        for (uint256 i = 0; i < compliance.MAX_MODULES(); ++i) {
            compliance.addModule(address(new RecordingModule(i)));
        }
        RecordingModule extra = new RecordingModule(100);
        vm.expectRevert(abi.encodeWithSelector(ModuleList.TooManyModules.selector, 25));
        compliance.addModule(address(extra));
    }

    function test_removeModule_keepsOrderAndUnbinds() public {
        _addAll();
        compliance.removeModule(address(m2));
        address[] memory mods = compliance.getModules();
        assertEq(mods.length, 2);
        assertEq(mods[0], address(m1));
        assertEq(mods[1], address(m3));
        assertFalse(m2.isBoundTo(address(compliance)));
        vm.expectRevert(abi.encodeWithSelector(ModuleList.ModuleNotBound.selector, address(m2)));
        compliance.removeModule(address(m2));
    }

    function test_setModuleOrder_changesEvaluationOrder() public {
        _addAll();
        compliance.callModuleFunction(abi.encodeCall(RecordingModule.setRejecting, (true)), address(m1));
        compliance.callModuleFunction(abi.encodeCall(RecordingModule.setRejecting, (true)), address(m3));
        (address first,) = compliance.explainTransfer(alice, bob, 1);
        assertEq(first, address(m1));
        address[] memory order = new address[](3);
        order[0] = address(m3);
        order[1] = address(m2);
        order[2] = address(m1);
        compliance.setModuleOrder(order);
        (first,) = compliance.explainTransfer(alice, bob, 1);
        assertEq(first, address(m3));
        assertEq(compliance.getModules()[0], address(m3));
    }

    function test_setModuleOrder_rejectsNonPermutations() public {
        _addAll();
        address[] memory order = new address[](3);
        order[0] = address(m1);
        order[1] = address(m1);
        order[2] = address(m2);
        vm.expectRevert(ModuleList.InvalidModuleOrder.selector);
        compliance.setModuleOrder(order);
        order[1] = address(0xBAD);
        vm.expectRevert(ModuleList.InvalidModuleOrder.selector);
        compliance.setModuleOrder(order);
        vm.expectRevert(ModuleList.InvalidModuleOrder.selector);
        compliance.setModuleOrder(new address[](2));
    }

    function test_callModuleFunction_onlyBoundModules_bubblesErrors() public {
        vm.expectRevert(abi.encodeWithSelector(ModuleList.ModuleNotBound.selector, address(m1)));
        compliance.callModuleFunction(abi.encodeCall(RecordingModule.setRejecting, (true)), address(m1));
        compliance.addModule(address(m1));
        vm.expectEmit(true, false, false, true, address(compliance));
        emit IModularCompliance.ModuleInteraction(address(m1), RecordingModule.setRejecting.selector);
        compliance.callModuleFunction(abi.encodeCall(RecordingModule.setRejecting, (true)), address(m1));
        assertTrue(m1.rejecting(address(compliance)));
        // a config call the module refuses bubbles up unchanged
        vm.expectRevert();
        compliance.callModuleFunction(hex"deadbeef", address(m1));
    }

    function test_moduleConfig_onlyFromBoundEngine() public {
        vm.expectRevert(abi.encodeWithSelector(ComplianceModuleBase.OnlyBoundEngine.selector, address(this)));
        m1.setRejecting(true);
    }

    function test_hooks_onlyFromBoundToken() public {
        vm.expectRevert(abi.encodeWithSelector(ModularCompliance.OnlyBoundToken.selector, address(this)));
        compliance.transferred(alice, bob, 1);
        vm.expectRevert(abi.encodeWithSelector(ModularCompliance.OnlyBoundToken.selector, address(this)));
        compliance.created(alice, 1);
        vm.expectRevert(abi.encodeWithSelector(ModularCompliance.OnlyBoundToken.selector, address(this)));
        compliance.destroyed(alice, 1);
    }

    function test_bindToken_rules() public {
        vm.expectRevert(abi.encodeWithSelector(ModularCompliance.TokenAlreadyBound.selector, address(token)));
        compliance.bindToken(alice);
        vm.expectRevert(abi.encodeWithSelector(ModularCompliance.NotBoundToken.selector, alice));
        compliance.unbindToken(alice);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ModularCompliance.Unauthorized.selector, alice));
        compliance.unbindToken(address(token));
        compliance.unbindToken(address(token));
        assertEq(compliance.getTokenBound(), address(0));
        compliance.bindToken(address(token));
        assertEq(compliance.getTokenBound(), address(token));
    }

    function test_moduleState_resetOnRemoveAndReAdd() public {
        CountryAllowListModule m = new CountryAllowListModule();
        compliance.addModule(address(m));
        compliance.callModuleFunction(abi.encodeCall(CountryAllowListModule.setCountryAllowed, (US, true)), address(m));
        assertTrue(m.isCountryAllowed(address(compliance), US));
        compliance.removeModule(address(m));
        compliance.addModule(address(m));
        assertFalse(m.isCountryAllowed(address(compliance), US), "no stale config after rebind");
    }

    function test_moduleState_resetOnTokenUnbind() public {
        CountryAllowListModule m = new CountryAllowListModule();
        compliance.addModule(address(m));
        compliance.callModuleFunction(abi.encodeCall(CountryAllowListModule.setCountryAllowed, (US, true)), address(m));
        compliance.unbindToken(address(token));
        compliance.bindToken(address(token));
        assertFalse(m.isCountryAllowed(address(compliance), US));
        assertTrue(compliance.isModuleBound(address(m)));
    }

    function test_canTransfer_trueWhenNoModuleRejects() public {
        _addAll();
        assertTrue(compliance.canTransfer(alice, bob, 1));
        compliance.checkTransfer(alice, bob, 1);
    }

    function test_checkTransfer_revertsNamingModule() public {
        _addAll();
        compliance.callModuleFunction(abi.encodeCall(RecordingModule.setRejecting, (true)), address(m2));
        vm.expectRevert(
            abi.encodeWithSelector(
                IKeelCompliance.ComplianceModuleRejected.selector,
                address(m2),
                abi.encodeWithSelector(RecordingModule.Rejected.selector, 2)
            )
        );
        compliance.checkTransfer(alice, bob, 1);
    }

    function test_setGlobalCompliance_onlyAdmin() public {
        compliance.setGlobalCompliance(address(0));
        assertEq(compliance.globalCompliance(), address(0));
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, bytes32(0))
        );
        compliance.setGlobalCompliance(address(1));
    }

    function test_global_hooksOnlyFromTheTokensCompliance() public {
        globalCompliance.transferred(address(token), alice, bob, 1); // no global modules: no-op
        globalCompliance.addModule(address(m1));
        vm.expectRevert(
            abi.encodeWithSelector(GlobalCompliance.NotTokenCompliance.selector, address(this), address(token))
        );
        globalCompliance.transferred(address(token), alice, bob, 1);
    }

    function test_global_appliesToEveryToken_stateKeyedByToken() public {
        RecordingModule g = new RecordingModule(7);
        globalCompliance.addModule(address(g));
        ModularCompliance c2 = _deployCompliance();
        c2.addModule(address(m1));
        // second token sharing the global policy
        _deployToken(address(c2));
        globalCompliance.callModuleFunction(abi.encodeCall(RecordingModule.setRejecting, (true)), address(g));
        assertFalse(compliance.canTransfer(alice, bob, 1));
        assertFalse(c2.canTransfer(alice, bob, 1));
        (address module,) = c2.explainTransfer(alice, bob, 1);
        assertEq(module, address(g));
    }

    function test_global_moduleManagement() public {
        globalCompliance.addModule(address(m1));
        globalCompliance.addModule(address(m2));
        address[] memory order = new address[](2);
        order[0] = address(m2);
        order[1] = address(m1);
        globalCompliance.setModuleOrder(order);
        assertEq(globalCompliance.getModules()[0], address(m2));
        globalCompliance.removeModule(address(m2));
        assertFalse(globalCompliance.isModuleBound(address(m2)));
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, alice, KeelRoles.COMPLIANCE_MANAGER_ROLE
            )
        );
        globalCompliance.addModule(address(m3));
    }

    function testFuzz_setModuleOrder_anyRotation(uint8 shift) public {
        _addAll();
        address[3] memory base = [address(m1), address(m2), address(m3)];
        address[] memory order = new address[](3);
        for (uint256 i = 0; i < 3; ++i) {
            order[i] = base[(i + shift) % 3];
        }
        compliance.setModuleOrder(order);
        address[] memory got = compliance.getModules();
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(got[i], order[i]);
        }
    }
}

contract ModularComplianceProxiedTest is ModularComplianceTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
