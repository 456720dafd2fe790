// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IdentityFixture} from "./IdentityFixture.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";
import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";

contract Target {
    uint256 public calls;

    function ping() external {
        ++calls;
    }

    function boom() external pure {
        revert("boom");
    }
}

contract KeelIdentityTest is IdentityFixture {
    Target internal target;

    function setUp() public override {
        super.setUp();
        target = new Target();
    }

    // ---------------------------------------------------------------- initialize

    function test_initialize_setsManagementAndClaimKeys() public view {
        assertTrue(aliceId.keyHasPurpose(_key(alice), 1));
        assertTrue(aliceId.keyHasPurpose(_key(identityManager), 3));
        assertFalse(aliceId.keyHasPurpose(_key(alice), 3));
        assertEq(aliceId.getKeysByPurpose(1).length, 1);
    }

    function test_initialize_twiceReverts() public {
        vm.expectRevert();
        aliceId.initialize(stranger, new address[](0));
    }

    function test_initialize_zeroOwnerReverts() public {
        KeelIdentity plain = new KeelIdentity(false);
        vm.expectRevert(KeelIdentity.ZeroAddress.selector);
        plain.initialize(address(0), new address[](0));
    }

    function test_implementation_cannotBeInitialized() public {
        KeelIdentity impl = new KeelIdentity(true);
        vm.expectRevert();
        impl.initialize(alice, new address[](0));
    }

    // ---------------------------------------------------------------- keys

    function test_addKey_byManagement() public {
        vm.prank(alice);
        assertTrue(aliceId.addKey(_key(bob), 2, 1));
        assertTrue(aliceId.keyHasPurpose(_key(bob), 2));
        (uint256[] memory purposes, uint256 keyType, bytes32 k) = aliceId.getKey(_key(bob));
        assertEq(purposes.length, 1);
        assertEq(purposes[0], 2);
        assertEq(keyType, 1);
        assertEq(k, _key(bob));
    }

    function test_addKey_multiplePurposes() public {
        vm.startPrank(alice);
        aliceId.addKey(_key(bob), 2, 1);
        aliceId.addKey(_key(bob), 4, 1);
        vm.stopPrank();
        uint256[] memory p = aliceId.getKeyPurposes(_key(bob));
        assertEq(p.length, 2);
        assertEq(p[0], 2);
        assertEq(p[1], 4);
    }

    function test_addKey_byNonManagementReverts() public {
        vm.prank(identityManager); // CLAIM key only
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NotAuthorized.selector, identityManager, 1));
        aliceId.addKey(_key(bob), 2, 1);
    }

    function test_addKey_duplicateReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.KeyAlreadyHasPurpose.selector, _key(alice), 1));
        aliceId.addKey(_key(alice), 1, 1);
    }

    function test_addKey_invalidPurposeReverts() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.InvalidPurpose.selector, 0));
        aliceId.addKey(_key(bob), 0, 1);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.InvalidPurpose.selector, 248));
        aliceId.addKey(_key(bob), 248, 1);
        vm.stopPrank();
    }

    function test_removeKey() public {
        vm.startPrank(alice);
        aliceId.addKey(_key(bob), 2, 1);
        assertTrue(aliceId.removeKey(_key(bob), 2));
        vm.stopPrank();
        assertFalse(aliceId.keyHasPurpose(_key(bob), 2));
        (,, bytes32 k) = aliceId.getKey(_key(bob));
        assertEq(k, bytes32(0));
        assertEq(aliceId.getKeysByPurpose(2).length, 0);
    }

    function test_removeKey_missingReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.KeyDoesNotHavePurpose.selector, _key(bob), 2));
        aliceId.removeKey(_key(bob), 2);
    }

    function test_removeKey_lastManagementKeyReverts() public {
        vm.prank(alice);
        vm.expectRevert(KeelIdentity.LastManagementKey.selector);
        aliceId.removeKey(_key(alice), 1);
    }

    function test_removeKey_managementWhenAnotherExists() public {
        vm.startPrank(alice);
        aliceId.addKey(_key(bob), 1, 1);
        aliceId.removeKey(_key(alice), 1);
        vm.stopPrank();
        assertFalse(aliceId.keyHasPurpose(_key(alice), 1));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NotAuthorized.selector, alice, 1));
        aliceId.addKey(_key(stranger), 2, 1);
    }

    function test_removeKey_byStrangerReverts() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NotAuthorized.selector, stranger, 1));
        aliceId.removeKey(_key(identityManager), 3);
    }

    function testFuzz_keys_addRemoveRoundTrip(address who, uint8 rawPurpose) public {
        uint256 purpose = bound(rawPurpose, 2, 247);
        vm.assume(who != alice && who != identityManager);
        uint256 before = aliceId.getKeysByPurpose(purpose).length;
        vm.prank(alice);
        aliceId.addKey(_key(who), purpose, 1);
        assertTrue(aliceId.keyHasPurpose(_key(who), purpose));
        assertEq(aliceId.getKeyPurposes(_key(who)).length, 1);
        vm.prank(alice);
        aliceId.removeKey(_key(who), purpose);
        assertFalse(aliceId.keyHasPurpose(_key(who), purpose));
        assertEq(aliceId.getKeysByPurpose(purpose).length, before);
    }

    // ---------------------------------------------------------------- execute / approve

    function test_execute_managementRunsImmediately() public {
        vm.prank(alice);
        uint256 id = aliceId.execute(address(aliceId), 0, abi.encodeCall(KeelIdentity.addKey, (_key(bob), 2, 1)));
        assertEq(id, 0);
        assertTrue(aliceId.keyHasPurpose(_key(bob), 2));
    }

    function test_execute_actionKeyRunsExternalCall() public {
        vm.prank(alice);
        aliceId.addKey(_key(bob), 2, 1);
        vm.prank(bob);
        aliceId.execute(address(target), 0, abi.encodeCall(Target.ping, ()));
        assertEq(target.calls(), 1);
    }

    function test_execute_actionKeyOnSelfWaitsForManagement() public {
        vm.prank(alice);
        aliceId.addKey(_key(bob), 2, 1);
        vm.prank(bob);
        uint256 id = aliceId.execute(address(aliceId), 0, abi.encodeCall(KeelIdentity.addKey, (_key(stranger), 1, 1)));
        assertFalse(aliceId.keyHasPurpose(_key(stranger), 1));
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NotAuthorized.selector, bob, 1));
        aliceId.approve(id, true);
        vm.prank(alice);
        assertTrue(aliceId.approve(id, true));
        assertTrue(aliceId.keyHasPurpose(_key(stranger), 1));
    }

    function test_execute_strangerRequestPendingThenApproved() public {
        vm.prank(stranger);
        uint256 id = aliceId.execute(address(target), 0, abi.encodeCall(Target.ping, ()));
        assertEq(target.calls(), 0);
        vm.prank(alice);
        aliceId.approve(id, true);
        assertEq(target.calls(), 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.ExecutionAlreadyDone.selector, id));
        aliceId.approve(id, true);
    }

    function test_approve_rejectDoesNotRun() public {
        vm.prank(stranger);
        uint256 id = aliceId.execute(address(target), 0, abi.encodeCall(Target.ping, ()));
        vm.prank(alice);
        assertFalse(aliceId.approve(id, false));
        assertEq(target.calls(), 0);
    }

    function test_approve_failingCallReportsFalse() public {
        vm.prank(alice);
        uint256 id = aliceId.execute(address(target), 0, abi.encodeCall(Target.boom, ()));
        assertEq(id, 0);
        vm.prank(stranger);
        uint256 id2 = aliceId.execute(address(target), 0, abi.encodeCall(Target.boom, ()));
        vm.prank(alice);
        assertFalse(aliceId.approve(id2, true));
    }

    function test_approve_unknownExecutionReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NoSuchExecution.selector, 5));
        aliceId.approve(5, true);
    }

    function test_approve_byStrangerReverts() public {
        vm.prank(stranger);
        uint256 id = aliceId.execute(address(target), 0, abi.encodeCall(Target.ping, ()));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NotAuthorized.selector, stranger, 2));
        aliceId.approve(id, true);
    }

    // ---------------------------------------------------------------- claims

    function test_addClaim_selfAttested() public {
        vm.prank(alice);
        bytes32 id = aliceId.addClaim(5, 1, address(aliceId), "", "hello", "uri");
        assertEq(id, keccak256(abi.encode(address(aliceId), uint256(5))));
        (uint256 topic,, address issuer,, bytes memory data, string memory uri) = aliceId.getClaim(id);
        assertEq(topic, 5);
        assertEq(issuer, address(aliceId));
        assertEq(data, bytes("hello"));
        assertEq(uri, "uri");
        assertEq(aliceId.getClaimIdsByTopic(5).length, 1);
    }

    function test_addClaim_validIssuerSignature() public {
        bytes memory data = "kyc-ok";
        bytes memory sig = _sign(SIGNER_PK, kycIssuer, address(aliceId), KYC, 0, data);
        vm.prank(identityManager);
        bytes32 id = aliceId.addClaim(KYC, 1, address(kycIssuer), sig, data, "");
        (,, address issuer, bytes memory storedSig,,) = aliceId.getClaim(id);
        assertEq(issuer, address(kycIssuer));
        assertEq(storedSig, sig);
        assertEq(aliceId.getClaimExpiry(id), 0);
    }

    function test_addClaim_invalidSignatureReverts() public {
        bytes memory sig = _sign(OTHER_PK, kycIssuer, address(aliceId), KYC, 0, "x");
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.InvalidClaim.selector, address(kycIssuer), KYC));
        aliceId.addClaim(KYC, 1, address(kycIssuer), sig, "x", "");
    }

    function test_addClaim_signatureForOtherIdentityReverts() public {
        bytes memory sig = _sign(SIGNER_PK, kycIssuer, address(bobId), KYC, 0, "x");
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.InvalidClaim.selector, address(kycIssuer), KYC));
        aliceId.addClaim(KYC, 1, address(kycIssuer), sig, "x", "");
    }

    function test_addClaim_unauthorizedReverts() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NotAuthorized.selector, stranger, 3));
        aliceId.addClaim(5, 1, address(aliceId), "", "", "");
    }

    function test_addClaim_zeroIssuerReverts() public {
        vm.prank(alice);
        vm.expectRevert(KeelIdentity.ZeroAddress.selector);
        aliceId.addClaim(5, 1, address(0), "", "", "");
    }

    function test_addClaim_replaceKeepsOneIdPerTopic() public {
        _issue(kycIssuer, aliceId, KYC, 0);
        _issue(kycIssuer, aliceId, KYC, uint64(block.timestamp + 100));
        bytes32[] memory ids = aliceId.getClaimIdsByTopic(KYC);
        assertEq(ids.length, 1);
        assertEq(aliceId.getClaimExpiry(ids[0]), block.timestamp + 100);
    }

    function test_addClaimWithExpiry_pastReverts() public {
        vm.warp(1000);
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.ClaimAlreadyExpired.selector, uint64(1000)));
        aliceId.addClaimWithExpiry(KYC, 1, address(kycIssuer), "", "", "", 1000);
    }

    function test_addClaimWithExpiry_tamperedExpiryReverts() public {
        // Signed for expiry 100 seconds from now, stored as never expiring.
        bytes memory sig = _sign(SIGNER_PK, kycIssuer, address(aliceId), KYC, uint64(block.timestamp + 100), "x");
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.InvalidClaim.selector, address(kycIssuer), KYC));
        aliceId.addClaimWithExpiry(KYC, 1, address(kycIssuer), sig, "x", "", 0);
    }

    function test_removeClaim() public {
        _issue(kycIssuer, aliceId, KYC, 0);
        bytes32 id = keccak256(abi.encode(address(kycIssuer), KYC));
        vm.prank(alice);
        assertTrue(aliceId.removeClaim(id));
        assertEq(aliceId.getClaimIdsByTopic(KYC).length, 0);
        (, , address issuer,,,) = aliceId.getClaim(id);
        assertEq(issuer, address(0));
    }

    function test_removeClaim_missingReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NoSuchClaim.selector, bytes32(uint256(1))));
        aliceId.removeClaim(bytes32(uint256(1)));
    }

    function test_removeClaim_strangerReverts() public {
        _issue(kycIssuer, aliceId, KYC, 0);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NotAuthorized.selector, stranger, 3));
        aliceId.removeClaim(keccak256(abi.encode(address(kycIssuer), KYC)));
    }

    function test_isClaimValid_plainIdentityIssuesNothing() public view {
        assertFalse(aliceId.isClaimValid(IIdentity(address(bobId)), KYC, "", ""));
    }

    function test_receiveEther() public {
        vm.deal(address(this), 1 ether);
        (bool ok,) = address(aliceId).call{value: 1 ether}("");
        assertTrue(ok);
        vm.prank(alice);
        aliceId.execute(stranger, 0.5 ether, "");
        assertEq(stranger.balance, 0.5 ether);
    }

    function testFuzz_addClaim_anyDataRoundTrips(bytes calldata data, uint256 topic) public {
        bytes memory sig = _sign(SIGNER_PK, kycIssuer, address(aliceId), topic, 0, data);
        vm.prank(identityManager);
        bytes32 id = aliceId.addClaim(topic, 1, address(kycIssuer), sig, data, "");
        (uint256 t,,,, bytes memory d,) = aliceId.getClaim(id);
        assertEq(t, topic);
        assertEq(d, data);
    }
}
